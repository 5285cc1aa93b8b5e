import { adminLogin, call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';

jest.setTimeout(60_000);

/** SIGNING_ALG=ES256 / EdDSA through the real resource services: the guard takes the algorithm from the published key. */
describe.each([
  ['ES256', { kty: 'EC', crv: 'P-256' }, 'RS256'],
  ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }, 'ES256'],
])('SIGNING_ALG=%s end to end', (alg, jwkShape, otherAlg) => {
  let system: TestSystem;
  let forge: TokenForge;
  const services = () => [system.ordersUrl, system.billingUrl];

  beforeAll(async () => {
    system = await startTestSystem({ SIGNING_ALG: alg });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
  });
  afterAll(() => system?.stop());

  it(`signs ${alg}, publishes the key with alg and use, and both services and the issuer's admin API accept its tokens`, async () => {
    const { access_token } = await login(system.issuerUrl, 'admin', 'admin-password');
    const { header } = decodeJwt(access_token);
    expect(header).toEqual({ alg, typ: 'at+jwt', kid: forge.kid });
    const jwks = (await call('GET', `${system.issuerUrl}/.well-known/jwks.json`)).body.keys;
    expect(jwks).toHaveLength(2);
    for (const key of jwks) expect(key).toMatchObject({ ...jwkShape, alg, use: 'sig', kid: expect.any(String) });
    for (const service of services()) expect((await call('GET', `${service}/me`, { token: access_token })).status).toBe(200);
    const admin = await adminLogin(system.issuerUrl);
    expect(decodeJwt(admin).header).toEqual({ alg, typ: 'at+jwt', kid: forge.kid });
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: admin })).status).toBe(200);
  });

  it(`refuses a token whose header names ${otherAlg} (or none) for the ${alg} key`, async () => {
    const valid = forge.sign(system.issuerUrl);
    const [, payload, signature] = valid.split('.');
    const header = (name: string) => Buffer.from(JSON.stringify({ alg: name, typ: 'at+jwt', kid: forge.kid })).toString('base64url');
    for (const service of services()) {
      expect((await call('GET', `${service}/me`, { token: valid })).status).toBe(200);
      for (const token of [
        `${header(otherAlg)}.${payload}.${signature}`,
        `${header('none')}.${payload}.`,
        forge.sign(system.issuerUrl, {}, { alg: otherAlg }),
      ]) {
        const result = await call('GET', `${service}/me`, { token });
        expect(result.status).toBe(401);
        expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    }
  });
});
