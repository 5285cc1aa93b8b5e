import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { ACCESS_TOKEN_TYPE, FIRST_PARTY_CLIENT_ID } from '@app/contract';
import { adminLogin, call, decodeJwt, login } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { rejection } from './support/libraries';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** What a non-Nest resource server does: read discovery, then verify tokens with the published keys. */
async function discoverAs(issuerUrl: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(issuerUrl);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
}

/** jose's remote JWKS, counting its fetches (defaults otherwise: 30 s cooldown, 10 min max age). */
function countingJwks(jwksUri: string) {
  const fetches = { count: 0 };
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    [customFetch]: (url: string, init: RequestInit) => {
      fetches.count++;
      return fetch(url, init);
    },
  });
  return { jwks, fetches };
}

/** oauth4webapi's RFC 9068 validation of a request's bearer token (required claims, typ, iss, aud, signature). */
const validateRfc9068 = (as: oauth.AuthorizationServer, token: string, audience: string) =>
  oauth.validateJwtAccessToken(as, new Request('https://rs.example/api', { headers: { authorization: `Bearer ${token}` } }), audience, insecure);

describe('access tokens verified by jose and oauth4webapi (RS256)', () => {
  let system: TestSystem;
  let as: oauth.AuthorizationServer;
  let caller: { id: string; secret: string };

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    as = await discoverAs(system.issuerUrl);
    caller = await createClient(system.databaseUrl, 'orders-to-billing', 'invoices:read', 'billing-api');
  });
  afterAll(() => system?.stop());

  const clientToken = async () =>
    (await call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'client_credentials' }, headers: basic(caller.id, caller.secret) })).body
      .access_token as string;
  const verifyOptions = (audience: string) => ({
    issuer: as.issuer,
    audience,
    typ: ACCESS_TOKEN_TYPE,
    algorithms: ['RS256'],
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
  });

  it('jose: createRemoteJWKSet + jwtVerify accept user and client tokens for their audience only', async () => {
    const { jwks } = countingJwks(as.jwks_uri!);
    const user = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    const { payload, protectedHeader } = await jwtVerify(user, jwks, verifyOptions('orders-api'));
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toMatchObject({ iss: system.issuerUrl, client_id: FIRST_PARTY_CLIENT_ID, roles: ['user'], scope: '' });

    const service = await clientToken();
    expect((await jwtVerify(service, jwks, verifyOptions('billing-api'))).payload).toMatchObject({ sub: caller.id, client_id: caller.id });
    const wrongAudience = await rejection(jwtVerify(service, jwks, verifyOptions('orders-api')));
    expect({ code: wrongAudience.code, claim: wrongAudience.claim }).toEqual({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    const wrongType = await rejection(jwtVerify(service, jwks, { ...verifyOptions('billing-api'), typ: 'JWT' }));
    expect(wrongType.code).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('oauth4webapi: validateJwtAccessToken (RFC 9068) accepts user and client tokens', async () => {
    const user = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(await validateRfc9068(as, user, 'orders-api')).toMatchObject({ sub: expect.any(String), client_id: FIRST_PARTY_CLIENT_ID });
    expect(await validateRfc9068(as, await clientToken(), 'billing-api')).toMatchObject({ sub: caller.id, client_id: caller.id });
    const refused = await rejection(validateRfc9068(as, await clientToken(), 'orders-api'));
    expect(refused.code).toBe(oauth.JWT_CLAIM_COMPARISON);
  });

  it('a key rotation needs no JWKS refetch: the new key was published before it signs', async () => {
    const { jwks, fetches } = countingJwks(as.jwks_uri!);
    const before = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    await jwtVerify(before, jwks, verifyOptions('orders-api'));
    await validateRfc9068(as, before, 'orders-api');

    const admin = await adminLogin(system.issuerUrl);
    const rotated = await call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: admin });
    expect(rotated.status).toBe(200);
    const after = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(decodeJwt(after).header.kid).toBe(rotated.body.kid);
    expect(decodeJwt(after).header.kid).not.toBe(decodeJwt(before).header.kid);

    // Within jose's 30 s cooldown a missing kid would fail; both tokens verify from the one fetch.
    await jwtVerify(after, jwks, verifyOptions('orders-api'));
    await jwtVerify(before, jwks, verifyOptions('orders-api'));
    expect(fetches.count).toBe(1);
    // oauth4webapi would refetch an unknown kid only after 60 s.
    await validateRfc9068(as, after, 'orders-api');
    // A verifier starting now sees both the retired and the new key.
    const fresh = countingJwks(as.jwks_uri!);
    await jwtVerify(before, fresh.jwks, verifyOptions('orders-api'));
    await jwtVerify(after, fresh.jwks, verifyOptions('orders-api'));
  });
});

describe.each([
  ['ES256', 'EC'],
  ['EdDSA', 'OKP'],
])('access tokens of a SIGNING_ALG=%s issuer', (alg, kty) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ SIGNING_ALG: alg }, { services: false });
  });
  afterAll(() => system?.stop());

  it('verify with jose remote JWKS and oauth4webapi', async () => {
    const as = await discoverAs(system.issuerUrl);
    expect(as.id_token_signing_alg_values_supported).toContain(alg);
    const token = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    const jwks = createRemoteJWKSet(new URL(as.jwks_uri!));
    const { protectedHeader } = await jwtVerify(token, jwks, { issuer: as.issuer, audience: 'billing-api', typ: ACCESS_TOKEN_TYPE, algorithms: [alg] });
    expect(protectedHeader.alg).toBe(alg);
    expect(jwks.jwks()?.keys.every((key) => key.kty === kty && key.alg === alg && key.use === 'sig')).toBe(true);
    expect(await validateRfc9068(as, token, 'billing-api')).toMatchObject({ client_id: FIRST_PARTY_CLIENT_ID });
  });
});
