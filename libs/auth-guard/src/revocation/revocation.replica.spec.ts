import { RevocationReplica, UNTIL_REFINED } from './revocation.replica';

const claims = (over: Partial<{ jti: string; sub: string; iat: number; sid: string }> = {}) => ({ jti: 'j1', sub: 'alice', iat: 1000, ...over });

describe('RevocationReplica', () => {
  it.each([
    ['token-denied refuses its jti', { type: 'token-denied', jti: 'j1' } as const, claims(), 'jti denied'],
    ['session-ended refuses the session', { type: 'session-ended', sid: 's1' } as const, claims({ sid: 's1' }), 'session ended'],
    ['a cut-off refuses tokens issued at it', { type: 'subject-cutoff', sub: 'alice', at: 1000 } as const, claims({ iat: 1000 }), 'issued before cut-off'],
    ['a cut-off spares tokens issued after it', { type: 'subject-cutoff', sub: 'alice', at: 1000 } as const, claims({ iat: 1001 }), null],
    ['another jti is not refused', { type: 'token-denied', jti: 'j2' } as const, claims(), null],
    ['key events are not denylist entries', { type: 'keys-changed' } as const, claims(), null],
  ])('%s', (_name, event, token, verdict) => {
    const replica = new RevocationReplica();
    replica.apply(event);
    expect(replica.check(token, 5_000)).toBe(verdict);
  });

  it('keeps an evented entry until its TTL is read, then drops it when that passes', () => {
    const replica = new RevocationReplica();
    expect(replica.apply({ type: 'token-denied', jti: 'j1' })).toEqual({ kind: 'jti', id: 'j1' });
    expect(replica.check(claims(), Number.MAX_SAFE_INTEGER)).toBe('jti denied');
    replica.refine('jti', 'j1', 10_000);
    expect(replica.check(claims(), 9_999)).toBe('jti denied');
    expect(replica.check(claims(), 10_000)).toBeNull();
    expect(replica.sweep(10_000)).toBe(1);
    expect(replica.size).toBe(0);
  });

  it('never narrows: a later cut-off and a later expiry win, refine touches only unrefined entries', () => {
    const replica = new RevocationReplica();
    replica.add({ kind: 'cutoff', id: 'alice', at: 2000, expiresAt: 50_000 });
    replica.add({ kind: 'cutoff', id: 'alice', at: 1000, expiresAt: 20_000 });
    expect(replica.check(claims({ iat: 1500 }), 40_000)).toBe('issued before cut-off');
    replica.refine('cutoff', 'alice', 1);
    expect(replica.check(claims({ iat: 1500 }), 40_000)).toBe('issued before cut-off');
    replica.add({ kind: 'sid', id: 's1', expiresAt: UNTIL_REFINED });
    replica.refine('sid', 's1', 3_000);
    expect(replica.check(claims({ sid: 's1', iat: 5000 }), 2_999)).toBe('session ended');
    expect(replica.check(claims({ sid: 's1', iat: 5000 }), 3_000)).toBeNull();
  });

  it('takes over a fresh full read wholesale', () => {
    const replica = new RevocationReplica();
    replica.add({ kind: 'jti', id: 'old', expiresAt: 10_000 });
    const fresh = new RevocationReplica();
    fresh.add({ kind: 'jti', id: 'j1', expiresAt: 10_000 });
    replica.replaceWith(fresh);
    expect(replica.check(claims(), 1)).toBe('jti denied');
    expect(replica.check(claims({ jti: 'old' }), 1)).toBeNull();
  });
});
