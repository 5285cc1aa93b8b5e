import { adminLogin, call, decodeJwt, HttpResult } from '../support/http';
import { eventually } from '../keys/support/keys-system';
import { RefreshChain, whenEachRefreshed } from './support/refresh-chain';
import { RaceSystem, Session } from './support/race-system';

jest.setTimeout(120_000);

const CHAINS = 10;

/**
 * Revocation must win every race. A thief refreshes stolen sessions in a loop (real processes, real
 * PostgreSQL and Redis) while the victim revokes them; once the revocation has answered, nothing the
 * chains hold or obtain may still work. Before the fix a rotation in flight inserted a successor that the
 * revoking UPDATE could not see, and whole chains lived on.
 */
describe('revocation races against refresh chains (processes)', () => {
  let system: RaceSystem;

  beforeAll(async () => {
    system = await RaceSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** Starts one chain per session, fires `revoke` once each has refreshed twice, lets the chains run out. */
  async function race(
    sessions: Session[],
    revoke: () => Promise<HttpResult[]>,
    path: 'auth' | 'oauth' = 'auth',
  ): Promise<{ chains: RefreshChain[]; answers: HttpResult[] }> {
    let revoked = false;
    const chains = sessions.map((s, i) => system.chain(s, () => revoked, i % 2 === 0 ? path : 'oauth'));
    await whenEachRefreshed(chains, 2);
    const answers = await revoke();
    revoked = true;
    await Promise.all(chains.map((c) => c.finished()));
    return { chains, answers };
  }

  const sessionsOf = (username: string, n: number) => Promise.all(Array.from({ length: n }, () => system.login(username)));

  it('log-out-everywhere: no chain of the subject survives', async () => {
    const stolen = await sessionsOf('alice', CHAINS);
    const victim = await system.login('alice');
    const { chains, answers } = await race(stolen, async () => [await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: victim.access_token })]);
    expect(answers.map((a) => a.status)).toEqual([204]);
    expect(chains.every((c) => c.successes >= 2)).toBe(true);
    expect(await system.survivors(chains, [...stolen.map((s) => s.sid), victim.sid])).toEqual({});
  });

  it('logout naming the stolen refresh token: no chain survives', async () => {
    const stolen = await sessionsOf('alice', CHAINS);
    // Each victim logs out from another session of theirs, naming the refresh token the thief took.
    const victims = await sessionsOf('alice', CHAINS);
    const { chains, answers } = await race(stolen, () =>
      Promise.all(
        stolen.map((s, i) => call('POST', `${system.issuerUrl}/auth/logout`, { token: victims[i].access_token, json: { refresh_token: s.refresh_token } })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(stolen.map(() => 204));
    expect(
      await system.survivors(
        chains,
        stolen.map((s) => s.sid),
      ),
    ).toEqual({});
  });

  it('reuse detection: the victim presenting a spent token ends the chain', async () => {
    const stolen = await sessionsOf('alice', CHAINS);
    const { chains, answers } = await race(stolen, () =>
      Promise.all(stolen.map((s) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: s.refresh_token } }))),
    );
    expect(answers.map((a) => [a.status, a.body?.error])).toEqual(stolen.map(() => [400, 'invalid_grant']));
    expect(
      await system.survivors(
        chains,
        stolen.map((s) => s.sid),
      ),
    ).toEqual({});
  });

  it('/oauth/revoke of the stolen refresh token: no chain survives', async () => {
    const stolen = await sessionsOf('alice', CHAINS);
    const { chains, answers } = await race(
      stolen,
      () =>
        Promise.all(
          stolen.map((s) => call('POST', `${system.issuerUrl}/oauth/revoke`, { form: { token: s.refresh_token, token_type_hint: 'refresh_token' } })),
        ),
      'oauth',
    );
    expect(answers.map((a) => a.status)).toEqual(stolen.map(() => 200));
    expect(
      await system.survivors(
        chains,
        stolen.map((s) => s.sid),
      ),
    ).toEqual({});
  });

  it('revoking the signing key while sessions refresh: nothing signed by it is honoured afterwards', async () => {
    const sessions = await sessionsOf('alice', 6);
    const reference = await system.login('alice');
    const adminToken = await adminLogin(system.issuerUrl);
    const revokedKid: string = decodeJwt(reference.access_token).header.kid;
    const { chains, answers } = await race(sessions, async () => [
      await call('POST', `${system.issuerUrl}/admin/keys/${revokedKid}/revoke`, { token: adminToken }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200]);
    // Guards learn of the revocation by a pushed event; wait (bounded) until the reference token shows they have.
    await eventually(async () => (await system.acceptedAt(reference.access_token)).length === 0, 10_000, 'reference token refused');

    const signedByRevoked = chains.flatMap((c) => c.accessTokens).filter((t) => decodeJwt(t).header.kid === revokedKid);
    expect(signedByRevoked.length).toBeGreaterThan(0);
    const honoured: string[] = [];
    for (const token of signedByRevoked) if ((await system.acceptedAt(token)).length > 0) honoured.push(decodeJwt(token).payload.jti);
    expect(honoured).toEqual([]);
    // Positive control: the sessions themselves live on under the new key, and their newest token works everywhere.
    for (const chain of chains) {
      expect(chain.steps.every((s) => s.status === 200)).toBe(true);
      const newest = chain.accessTokens[chain.accessTokens.length - 1];
      expect(decodeJwt(newest).header.kid).not.toBe(revokedKid);
      expect(await system.acceptedAt(newest)).toEqual(['orders-api', 'billing-api', 'introspection']);
    }
  });
});
