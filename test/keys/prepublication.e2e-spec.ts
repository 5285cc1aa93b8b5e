import { call, decodeJwt, login } from '../support/http';
import { adminKeys, byState, KeysSystem, SERVICE_NAMES, startKeysSystem } from './support/keys-system';

jest.setTimeout(60_000);

/**
 * Verifiers learn a key before it signs. The services fetch the JWKS through a proxy the test can cut,
 * with no background refresh, so a token they accept while cut off was verified with a key they already held.
 */
describe('pre-publication and the JWKS endpoint', () => {
  let system: KeysSystem;
  const fetches = () => SERVICE_NAMES.map((name) => system.jwks.count(name));
  const statuses = (token: string) => Promise.all(system.serviceUrls.map(async (url) => (await call('GET', `${url}/me`, { token })).status));

  beforeAll(async () => {
    // Default JWKS max-age (300 s); a rotation interval below the token lifetime, so moving the clock to
    // the next rotation leaves tokens signed in real time unexpired for the guards, which read the same clock.
    system = await startKeysSystem({ env: { KEY_ROTATION_INTERVAL: '600', KEY_PUBLISH_LEAD_TIME: '400' }, guard: { jwksRefreshIntervalMs: 3_600_000 } });
  });
  afterAll(() => system?.stop());

  it('serves the JWKS from memory with a max-age below the lead time, a strong ETag and 304', async () => {
    const first = await call('GET', `${system.issuerUrl}/.well-known/jwks.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/jwk-set+json');
    const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBe(300);
    const [pending] = byState(await adminKeys(system), 'pending');
    expect(Date.parse(pending.activate_after!) - Date.parse(pending.created_at)).toBeGreaterThan(maxAge * 1000);

    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/ prefix
    expect((await call('GET', `${system.issuerUrl}/.well-known/jwks.json`)).headers.get('etag')).toBe(etag);
    const revalidated = await call('GET', `${system.issuerUrl}/.well-known/jwks.json`, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
    expect((await call('GET', `${system.issuerUrl}/.well-known/jwks.json`, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);

    expect(first.body.keys).toHaveLength(2); // the active key and the next one
    for (const key of first.body.keys) {
      expect(key).toMatchObject({ kid: expect.any(String), alg: 'RS256', use: 'sig', kty: 'RSA' });
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    }
  });

  it('a service that cached the JWKS before a rotation accepts the first new-key token without fetching again', async () => {
    expect(Math.min(...fetches())).toBeGreaterThan(0); // each service fetched at start, when the next key was already published
    const old = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(await statuses(old)).toEqual([200, 200]);
    // From here on no JWKS fetch can succeed: what the services accept, they knew before the rotation.
    // (Attempts are still counted; a guard with push may try one on the keys-changed event.)
    system.jwks.block(true);

    const [next] = byState(await adminKeys(system), 'pending');
    system.clock.set(Date.parse(next.activate_after!) + 1000);
    await system.clock.afterReads(2);
    const fresh = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(decodeJwt(fresh).header.kid).toBe(next.kid);
    expect(await statuses(fresh)).toEqual([200, 200]);
    expect(await statuses(old)).toEqual([200, 200]);
  });

  it('control: rotating to a key published moments ago is refused by services that cannot refetch', async () => {
    const admin = await system.adminToken();
    const rotated = await call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ prepublished: false });
    const token = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(decodeJwt(token).header.kid).toBe(rotated.body.kid);
    expect(await statuses(token)).toEqual([401, 401]);
    system.jwks.block(false);
  });
});
