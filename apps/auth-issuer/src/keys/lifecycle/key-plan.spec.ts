import { isIdle, planTick, TickPlan } from './key-plan';
import type { KeyTiming } from './key-timing';
import type { SigningKeyEntity } from '../store/signing-key.entity';

const MIN = 60_000;
const timing: KeyTiming = { rotationIntervalMs: 24 * 60 * MIN, leadMs: 60 * MIN, minPublicationMs: 5 * MIN, removalDelayMs: 17 * MIN };
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

function key(kid: string, state: SigningKeyEntity['state'], fields: Partial<SigningKeyEntity> = {}): SigningKeyEntity {
  return {
    kid,
    state,
    alg: 'RS256',
    origin: 'generated',
    publicJwk: {},
    privateKeyEncrypted: 'x',
    createdAt: T0,
    activateAfter: null,
    activatedAt: null,
    retiredAt: null,
    removeAfter: null,
    removedAt: null,
    revokedAt: null,
    ...fields,
  };
}

const summary = (plan: TickPlan) => ({
  activate: plan.activate?.kid,
  generateActive: plan.generateActive,
  remove: plan.remove.map((r) => r.kid),
  replacePending: plan.replacePending?.kid,
  nextAt: plan.generatePending?.activateAfter.toISOString(),
});

describe('planTick', () => {
  const cases: [string, SigningKeyEntity[], Date, ReturnType<typeof summary>][] = [
    [
      'first start: a key that signs now and the next one, a full interval away',
      [],
      at(0),
      { activate: undefined, generateActive: true, remove: [], replacePending: undefined, nextAt: at(24 * 60).toISOString() },
    ],
    [
      'active without a next key: publish one for its rotation time',
      [key('a', 'active', { activatedAt: at(-600) })],
      at(0),
      { activate: undefined, generateActive: false, remove: [], replacePending: undefined, nextAt: at(24 * 60 - 600).toISOString() },
    ],
    [
      'overdue active: the next key still gets the full lead time',
      [key('a', 'active', { activatedAt: at(-5000) })],
      at(0),
      { activate: undefined, generateActive: false, remove: [], replacePending: undefined, nextAt: at(60).toISOString() },
    ],
    [
      'pending due: promoted, and the one after it published',
      [key('a', 'active', { activatedAt: at(-1440) }), key('p', 'pending', { activateAfter: at(0) })],
      at(0),
      { activate: 'p', generateActive: false, remove: [], replacePending: undefined, nextAt: at(1440).toISOString() },
    ],
    [
      'no active key (revoked): even a young pending key signs at once',
      [key('p', 'pending', { createdAt: at(-1), activateAfter: at(59) })],
      at(0),
      { activate: 'p', generateActive: false, remove: [], replacePending: undefined, nextAt: at(1440).toISOString() },
    ],
    [
      'retired key whose tokens expired: removed; a younger one stays',
      [
        key('a', 'active', { activatedAt: at(-10) }),
        key('p', 'pending', { activateAfter: at(100) }),
        key('r1', 'retired', { removeAfter: at(0) }),
        key('r2', 'retired', { removeAfter: at(1) }),
        key('r3', 'retired', { retiredAt: at(-18) }),
      ],
      at(0),
      { activate: undefined, generateActive: false, remove: ['r1', 'r3'], replacePending: undefined, nextAt: undefined },
    ],
    [
      'pending of another algorithm than SIGNING_ALG: replaced, keeping its date if later than the lead time',
      [key('a', 'active', { activatedAt: at(-10) }), key('p', 'pending', { alg: 'ES256', activateAfter: at(500) })],
      at(0),
      { activate: undefined, generateActive: false, remove: [], replacePending: 'p', nextAt: at(500).toISOString() },
    ],
  ];
  it.each(cases)('%s', (_name, rows, now, expected) => {
    expect(summary(planTick(rows, now, timing, 'RS256'))).toEqual(expected);
  });

  it("an imported pending key of another algorithm is the operator's choice and stays", () => {
    const rows = [key('a', 'active', { activatedAt: at(-10) }), key('p', 'pending', { alg: 'EdDSA', origin: 'imported', activateAfter: at(500) })];
    expect(isIdle(planTick(rows, at(0), timing, 'RS256'))).toBe(true);
  });

  it('a pending key written without activate_after waits the lead time from its creation', () => {
    const rows = [key('a', 'active', { activatedAt: at(-2000) }), key('p', 'pending', { createdAt: at(-59) })];
    expect(planTick(rows, at(0), timing, 'RS256').activate).toBeUndefined();
    expect(planTick(rows, at(1), timing, 'RS256').activate?.kid).toBe('p');
  });
});

/** Applies plans the way the service does, to check the invariants over a long run with irregular ticks. */
function simulate(ticks: Date[]): { rows: SigningKeyEntity[]; tokensBy: Map<string, Date> } {
  const rows: SigningKeyEntity[] = [];
  let n = 0;
  const tokensBy = new Map<string, Date>();
  for (const now of ticks) {
    const plan = planTick(
      rows.filter((r) => r.state !== 'removed'),
      now,
      timing,
      'RS256',
    );
    for (const r of [...plan.remove, ...(plan.replacePending ? [plan.replacePending] : [])])
      Object.assign(r, { state: 'removed', removedAt: now, privateKeyEncrypted: null });
    const retire = () =>
      rows
        .filter((r) => r.state === 'active')
        .forEach((r) => Object.assign(r, { state: 'retired', retiredAt: now, removeAfter: new Date(now.getTime() + timing.removalDelayMs) }));
    if (plan.activate) {
      retire();
      Object.assign(plan.activate, { state: 'active', activatedAt: now });
    }
    if (plan.generateActive) rows.push(key(`k${n++}`, 'active', { createdAt: now, activatedAt: now }));
    if (plan.generatePending) rows.push(key(`k${n++}`, 'pending', { createdAt: now, activateAfter: plan.generatePending.activateAfter }));
    expect(
      isIdle(
        planTick(
          rows.filter((r) => r.state !== 'removed'),
          now,
          timing,
          'RS256',
        ),
      ),
    ).toBe(true);
    expect(rows.filter((r) => r.state === 'active')).toHaveLength(1);
    expect(rows.filter((r) => r.state === 'pending')).toHaveLength(1);
    for (const r of rows.filter((r) => r.state === 'active')) tokensBy.set(r.kid, now);
  }
  return { rows, tokensBy };
}

describe('the lifecycle over many irregular ticks (restarts, missed ticks)', () => {
  const ticks: Date[] = [];
  for (let t = 0, i = 0; t < 10 * 24 * 60; i++) {
    ticks.push(at(t));
    t += i % 7 === 0 ? 600 : 1 + ((i * 37) % 45); // mostly frequent, sometimes a 10-hour gap
  }
  const { rows, tokensBy } = simulate(ticks);

  it('rotates about daily', () => {
    expect(rows.filter((r) => r.activatedAt).length).toBeGreaterThanOrEqual(9);
  });

  it('every key that signed was published at least the lead time before (except the first)', () => {
    for (const r of rows.filter((r) => r.activatedAt && r.kid !== 'k0')) {
      expect(r.activatedAt!.getTime() - r.createdAt.getTime()).toBeGreaterThanOrEqual(timing.leadMs);
    }
  });

  it('a key leaves only after the removal delay past its last signing moment, and loses its private key', () => {
    for (const r of rows.filter((r) => r.state === 'removed')) {
      expect(r.removedAt!.getTime() - tokensBy.get(r.kid)!.getTime()).toBeGreaterThanOrEqual(timing.removalDelayMs);
      expect(r.privateKeyEncrypted).toBeNull();
    }
  });
});
