import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import { KEY_LOCK } from '../../apps/auth-issuer/src/keys/store/signing-key.store';
import { call, decodeJwt, login } from '../support/http';
import { adminKeys, byState, eventually, jwksKids, KeysSystem, startKeysSystem } from './support/keys-system';

jest.setTimeout(60_000);

let system: KeysSystem;
const freshSystem = () => {
  beforeAll(async () => {
    // Services refresh the JWKS every second here, standing in for push where a test needs them to notice removal.
    system = await startKeysSystem({ guard: { jwksRefreshIntervalMs: 1000 } });
  });
  afterAll(() => system?.stop());
};
const post = (path: string, token: string | undefined, json?: unknown) => call('POST', `${system.issuerUrl}/admin/keys${path}`, { token, json });
const statuses = (token: string) => Promise.all(system.serviceUrls.map(async (url) => (await call('GET', `${url}/me`, { token })).status));
const alice = async () => (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;

describe('GET /admin/keys and POST /admin/keys/rotate', () => {
  freshSystem();

  it('lists kid, alg, state and dates, never key material; admin only', async () => {
    expect((await call('GET', `${system.issuerUrl}/admin/keys`)).status).toBe(401);
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: await alice() })).status).toBe(403);
    const response = await call('GET', `${system.issuerUrl}/admin/keys`, { token: await system.adminToken() });
    expect(response.status).toBe(200);
    expect(response.body.keys.map((k: { state: string }) => k.state).sort()).toEqual(['active', 'pending']);
    for (const key of response.body.keys) {
      expect(Object.keys(key).sort()).toEqual([
        'activate_after',
        'activated_at',
        'alg',
        'created_at',
        'kid',
        'origin',
        'remove_after',
        'removed_at',
        'retired_at',
        'revoked_at',
        'state',
      ]);
    }
    expect(response.text).not.toMatch(/private|"d"|"n"|BEGIN/);
  });

  it('promotes the pre-published key and publishes the next one at once', async () => {
    const [active] = byState(await adminKeys(system), 'active');
    const [pending] = byState(await adminKeys(system), 'pending');
    system.clock.advance(306);
    const admin = await system.adminToken();
    const response = await post('/rotate', admin);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ kid: pending.kid, retired_kid: active.kid, published_seconds: expect.any(Number), prepublished: true });
    expect(response.body.published_seconds).toBeGreaterThanOrEqual(305);

    const rows = await adminKeys(system);
    expect(byState(rows, 'active').map((k) => k.kid)).toEqual([pending.kid]);
    expect(rows.find((k) => k.kid === active.kid)?.state).toBe('retired');
    const [next] = byState(rows, 'pending');
    expect(Date.parse(next.activate_after!) - Date.parse(next.created_at)).toBe(86_400_000);
    expect(await jwksKids(system.issuerUrl)).toEqual(expect.arrayContaining([active.kid, pending.kid, next.kid]));

    const token = await alice();
    expect(decodeJwt(token).header.kid).toBe(pending.kid);
    expect(await statuses(token)).toEqual([200, 200]);
    const [audit] = await system.sql<{ subject: string; details: Record<string, unknown> }>(
      `SELECT subject, details FROM audit_events WHERE type = 'key_rotated'`,
    );
    expect(audit).toEqual({
      subject: decodeJwt(admin).payload.sub,
      details: expect.objectContaining({ kid: pending.kid, retired_kid: active.kid, via: 'api', prepublished: true }),
    });
  });

  it('answers 503 with Retry-After, changing nothing, while another holder keeps the key lock past the statement timeout', async () => {
    const before = await adminKeys(system);
    const admin = await system.adminToken();
    const holder = new Client({ connectionString: system.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const response = await post('/rotate', admin);
      expect(response.status).toBe(503);
      expect(response.body.error).toBe('temporarily_unavailable');
      expect(response.headers.get('retry-after')).toBe('1');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await adminKeys(system)).toEqual(before);
  });

  it('rotating again at once promotes the key published moments ago and says it was not pre-published', async () => {
    const [pending] = byState(await adminKeys(system), 'pending');
    const response = await post('/rotate', await system.adminToken());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kid: pending.kid, prepublished: false });
    expect(response.body.published_seconds).toBeLessThan(60);
    expect(byState(await adminKeys(system), 'active').map((k) => k.kid)).toEqual([pending.kid]);
    // Services learn it on its first token (push, or one shared refetch).
    await eventually(async () => (await statuses(await alice())).every((s) => s === 200), 5000, 'services accepting the new key');
  });
});

describe('POST /admin/keys/{kid}/revoke (emergency)', () => {
  freshSystem();

  it('removes a compromised signing key from the JWKS at once; the pre-published key signs; its tokens are refused', async () => {
    const [active] = byState(await adminKeys(system), 'active');
    const [pending] = byState(await adminKeys(system), 'pending');
    const victim = await alice();
    expect(await statuses(victim)).toEqual([200, 200]);
    const admin = await system.adminToken();
    expect((await post(`/${active.kid}/revoke`, await alice())).status).toBe(403);

    const response = await post(`/${active.kid}/revoke`, admin);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revoked: active.kid, kid: pending.kid });
    expect(await jwksKids(system.issuerUrl)).not.toContain(active.kid);
    const [row] = await system.sql('SELECT state, private_key_encrypted, revoked_at FROM signing_keys WHERE kid = $1', [active.kid]);
    expect(row).toEqual({ state: 'removed', private_key_encrypted: null, revoked_at: expect.any(Date) });

    // The issuer itself refuses at once (the admin token was signed with the revoked key too).
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: admin })).status).toBe(401);
    const waited = await eventually(async () => (await statuses(victim)).every((s) => s === 401), 5000, 'services refusing the revoked key');
    expect(waited).toBeLessThan(5000);
    const fresh = await alice();
    expect(decodeJwt(fresh).header.kid).toBe(pending.kid);
    expect(await statuses(fresh)).toEqual([200, 200]);
    expect(byState(await adminKeys(system), 'pending')).toHaveLength(1);
    const audit = await system.sql<{ type: string }>(`SELECT type FROM audit_events WHERE details->>'kid' = $1 AND type = 'key_revoked'`, [active.kid]);
    expect(audit).toHaveLength(1);
  });

  it.each([
    ['an unknown kid', 404, 'not_found', 'no-such-kid'],
    ['a kid with characters no key has', 404, 'not_found', 'a%20b'],
  ])('answers %s with %s %s', async (_name, status, error, kid) => {
    const response = await post(`/${kid}/revoke`, await system.adminToken());
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
  });

  it('refuses to revoke a key twice (409) and can pull the pending key, publishing a new one', async () => {
    const admin = await system.adminToken();
    const [removed] = byState(await adminKeys(system), 'removed');
    expect((await post(`/${removed.kid}/revoke`, admin)).body.error).toBe('conflict');
    const [pending] = byState(await adminKeys(system), 'pending');
    expect((await post(`/${pending.kid}/revoke`, admin)).status).toBe(200);
    const rows = await adminKeys(system);
    expect(rows.find((k) => k.kid === pending.kid)?.state).toBe('removed');
    expect(byState(rows, 'pending')).toHaveLength(1);
    expect(await jwksKids(system.issuerUrl)).not.toContain(pending.kid);
  });
});

describe('POST /admin/keys/import', () => {
  freshSystem();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p256Jwk = p256.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;

  it.each([
    ['RSA 1024', 'weak_key', { kid: 'weak', key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) }],
    ['P-384', 'invalid_key', { kid: 'p384', key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }) }],
    ['a public key', 'invalid_key', { kid: 'pub', key: rsa.publicKey.export({ format: 'pem', type: 'spki' }) }],
    ['garbage', 'invalid_key', { kid: 'junk', key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }],
    ['an alg the key cannot sign', 'invalid_key', { kid: 'mismatch', key: rsaPem, alg: 'EdDSA' }],
    ['no kid', 'invalid_request', { key: rsaPem }],
    ['no key', 'invalid_request', { kid: 'nokey' }],
  ])('refuses %s with 400 %s and changes nothing', async (_name, code, body) => {
    const before = await adminKeys(system);
    const response = await post('/import', await system.adminToken(), body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(code);
    expect(response.text).not.toContain('AAAA');
    expect(await adminKeys(system)).toEqual(before);
  });

  it('enters an imported key as the next key, replacing the generated one; it signs at the next rotation', async () => {
    const admin = await system.adminToken();
    expect((await post('/import', await alice(), { kid: 'legacy-rsa', key: rsaPem })).status).toBe(403);
    const [generated] = byState(await adminKeys(system), 'pending');
    const response = await post('/import', admin, { kid: 'legacy-rsa', key: rsaPem });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ kid: 'legacy-rsa', alg: 'RS256', state: 'pending' });
    const rows = await adminKeys(system);
    expect(rows.find((k) => k.kid === generated.kid)?.state).toBe('removed');
    expect(byState(rows, 'pending').map((k) => [k.kid, k.origin])).toEqual([['legacy-rsa', 'imported']]);
    expect(await jwksKids(system.issuerUrl)).toContain('legacy-rsa');

    expect((await post('/import', admin, { kid: 'legacy-rsa', key: rsaPem })).status).toBe(409);
    expect((await post('/import', admin, { kid: 'second', key: p256Jwk })).status).toBe(409); // one imported key waits at a time

    system.clock.advance(306);
    expect((await post('/rotate', admin)).body.kid).toBe('legacy-rsa');
    const token = await alice();
    expect(decodeJwt(token).header).toMatchObject({ alg: 'RS256', kid: 'legacy-rsa' });
    expect(await statuses(token)).toEqual([200, 200]);
  });

  it('with activate, an imported P-256 JWK signs at once and services accept its tokens', async () => {
    const response = await post('/import', await system.adminToken(), { kid: 'legacy-ec', key: p256Jwk, activate: true });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ kid: 'legacy-ec', alg: 'ES256', state: 'active' });
    const token = await alice();
    expect(decodeJwt(token).header).toMatchObject({ alg: 'ES256', kid: 'legacy-ec' });
    await eventually(async () => (await statuses(token)).every((s) => s === 200), 5000, 'services accepting the imported key');
    expect(byState(await adminKeys(system), 'pending')).toHaveLength(1);
  });

  it('no row, audit entry or response holds plaintext private material', async () => {
    const rows = await system.sql<{ private_key_encrypted: string | null }>('SELECT * FROM signing_keys');
    const audit = await system.sql('SELECT * FROM audit_events');
    const stored = JSON.stringify([rows, audit]);
    const secrets = [...rsaPem.split('\n').filter((line) => line.length === 64), String(p256Jwk.d), 'PRIVATE KEY'];
    for (const secret of secrets) expect(stored).not.toContain(secret);
    for (const row of rows) if (row.private_key_encrypted) expect(row.private_key_encrypted).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(audit.filter((a) => a.type === 'key_imported')).toHaveLength(2);
  });

  it('refuses key material it already holds under another kid, a revoked key above all (409), and changes nothing', async () => {
    const admin = await system.adminToken();
    expect((await post('/legacy-ec/revoke', admin)).status).toBe(200);
    const before = await adminKeys(system);
    const jwksBefore = await jwksKids(system.issuerUrl);
    const fresh = await system.adminToken();
    // The same P-256 key as a JWK, and the same key as PEM: one thumbprint (RFC 7638), whatever the encoding.
    const p256Pem = p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const body of [
      { kid: 'legacy-ec-again', key: p256Jwk, activate: true },
      { kid: 'legacy-ec-pem', key: p256Pem },
    ]) {
      const response = await post('/import', fresh, body);
      expect({ status: response.status, error: response.body.error }).toEqual({ status: 409, error: 'conflict' });
      expect(response.body.error_description).toMatch(/legacy-ec.*revoked/);
    }
    // Not revoked, but already a key here: still one key, one kid.
    const again = await post('/import', fresh, { kid: 'rsa-again', key: rsaPem });
    expect({ status: again.status, error: again.body.error }).toEqual({ status: 409, error: 'conflict' });
    expect(again.body.error_description).toContain('legacy-rsa');
    expect(await adminKeys(system)).toEqual(before);
    expect(await jwksKids(system.issuerUrl)).toEqual(jwksBefore);
  });
});
