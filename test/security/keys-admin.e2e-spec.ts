import { createPublicKey } from 'node:crypto';
import { adminAudienceOf } from '@app/contract';
import { adminLogin, call, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Collects every object key in a JSON document, at any depth. */
function allKeys(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      allKeys(v, into);
    }
  }
  return into;
}

/** RFC 7517 §9.3, RFC 8725 §3.5 and the contract's admin endpoints. */
describe('keys and admin endpoints', () => {
  let system: TestSystem;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
  });
  afterAll(() => system?.stop());

  const expectPublicOnly = async () => {
    const jwks = await call('GET', `${system.issuerUrl}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    for (const key of jwks.body.keys) {
      for (const member of PRIVATE_JWK_MEMBERS) expect({ kid: key.kid, member, present: member in key }).toEqual({ kid: key.kid, member, present: false });
      expect(key.use ?? 'sig').toBe('sig');
      expect(['RSA', 'EC', 'OKP']).toContain(key.kty);
      if (key.kty === 'RSA') expect(createPublicKey({ key, format: 'jwk' }).asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    }
    const discovery = await call('GET', `${system.issuerUrl}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    for (const member of PRIVATE_JWK_MEMBERS) expect(allKeys(discovery.body).has(member)).toBe(false);
    for (const list of [
      'id_token_signing_alg_values_supported',
      'access_token_signing_alg_values_supported',
      'token_endpoint_auth_signing_alg_values_supported',
    ]) {
      for (const alg of discovery.body[list] ?? []) expect(alg).not.toMatch(/^(none|HS\d+)$/i);
    }
    return jwks.body.keys as Record<string, unknown>[];
  };

  it('the JWKS and discovery expose public parameters only, with RSA keys of at least 2048 bits', async () => {
    await expectPublicOnly();
  });

  it('admin endpoints refuse anonymous callers and other audiences with 401 and non-admins with 403', async () => {
    const alice = await login(system.issuerUrl, 'alice', 'alice-password');
    const forgedUser = forge.sign(system.issuerUrl, { aud: [adminAudienceOf(system.issuerUrl)], roles: ['user', 'administrator', 'ADMIN'] });
    const otherAudience = forge.sign(system.issuerUrl, { aud: ['orders-api'], roles: ['admin'] });
    const endpoints: [string, string][] = [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys/rotate'],
    ];
    for (const [method, path] of endpoints) {
      const url = `${system.issuerUrl}${path}`;
      const anonymous = await call(method, url);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
      const garbage = await call(method, url, { token: 'garbage.garbage.garbage' });
      expect({ path, status: garbage.status }).toEqual({ path, status: 401 });
      expect(garbage.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      const wrongAudience = await call(method, url, { token: otherAudience });
      expect({ path, status: wrongAudience.status }).toEqual({ path, status: 401 });
      expect(wrongAudience.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      for (const token of [alice.access_token, forgedUser]) {
        const denied = await call(method, url, { token });
        expect({ path, status: denied.status }).toEqual({ path, status: 403 });
        expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer .*error="insufficient_scope"/);
        expect(denied.body).toEqual({ statusCode: 403, message: 'Forbidden' });
      }
    }
    const listed = await call('GET', `${system.issuerUrl}/admin/keys`, { token: await adminLogin(system.issuerUrl) });
    expect(listed.status).toBe(200);
  });

  it('after an admin rotation the JWKS still holds public parameters only, and no private material is listed', async () => {
    const session = await login(system.issuerUrl, 'admin', 'admin-password');
    const admin = await adminLogin(system.issuerUrl);
    const rotated = await call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: admin });
    expect(rotated.status).toBe(200);
    const keys = await expectPublicOnly();
    expect(keys.map((k) => k.kid)).toContain(rotated.body.kid);
    const listed = await call('GET', `${system.issuerUrl}/admin/keys`, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toMatch(/private|BEGIN|"d"\s*:/i);
    // The token signed by the retired key still verifies (RFC 7517 rollover): rotation is not a logout.
    expect((await call('GET', `${system.ordersUrl}/me`, { token: session.access_token })).status).toBe(200);
  });
});
