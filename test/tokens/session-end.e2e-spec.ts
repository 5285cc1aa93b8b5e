import { call, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** Ending a session (logout, refresh reuse) kills every access token minted in it, not only the one presented. */
describe('ending a session refuses all of its access tokens', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.stop());

  const refresh = (refreshToken: string) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: refreshToken } });
  const status = async (token: string) => [
    (await call('GET', `${system.ordersUrl}/me`, { token })).status,
    (await call('GET', `${system.billingUrl}/me`, { token })).status,
  ];

  it('a refresh replaces the first access token; logout with the current one ends the session', async () => {
    const first = await login(system.issuerUrl, 'alice', 'alice-password');
    const second = (await refresh(first.refresh_token)).body;
    expect(await status(second.access_token)).toEqual([200, 200]);
    // The replaced token is no credential any more, not even for logout.
    expect(await status(first.access_token)).toEqual([401, 401]);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: first.access_token })).status).toBe(401);

    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: second.access_token })).status).toBe(204);

    expect(await status(second.access_token)).toEqual([401, 401]);
    expect((await refresh(second.refresh_token)).status).toBe(400);
  });

  it('reuse of a spent refresh token refuses the access tokens of the whole family', async () => {
    const first = await login(system.issuerUrl, 'alice', 'alice-password');
    const second = (await refresh(first.refresh_token)).body;
    expect(await status(second.access_token)).toEqual([200, 200]);

    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    expect(await status(second.access_token)).toEqual([401, 401]);
    expect(await status(first.access_token)).toEqual([401, 401]);
  });

  it('another session of the same user is untouched', async () => {
    const ended = await login(system.issuerUrl, 'alice', 'alice-password');
    const other = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: ended.access_token })).status).toBe(204);
    expect(await status(other.access_token)).toEqual([200, 200]);
  });
});
