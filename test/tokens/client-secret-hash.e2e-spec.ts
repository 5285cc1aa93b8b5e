import fc from 'fast-check';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { typeOrmOptions } from '../../apps/auth-issuer/src/database/typeorm.options';
import { call } from '../support/http';
import { basic, createClient, runClientsCreate } from '../support/oauth-clients';
import { createTestDatabase } from '../support/test-stores';
import { startTestSystem, TestSystem } from '../support/test-system';

/**
 * Client secrets: generated ones move from argon2id to the issuer's keyed hash (HMAC-SHA-256) on their first
 * successful use, operator-chosen ones keep argon2id, and a wrong secret never changes a row.
 */
describe('client secret hashing', () => {
  let system: TestSystem;
  let db: Client;

  const grant = (id: string, secret: string) =>
    call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'client_credentials' }, headers: basic(id, secret) });
  const row = async (id: string) => (await db.query(`SELECT secret_hash, secret_hash_alg FROM clients WHERE client_id = $1`, [id])).rows[0];

  beforeAll(async () => {
    // High limits: the garbage round below fails many times on purpose.
    system = await startTestSystem({ CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '100000', CLIENT_AUTH_MAX_FAILURES_PER_IP: '100000' }, { services: false });
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await system?.stop();
  });

  it('moves a generated secret to the keyed hash on its first success; the keyed row keeps authenticating', async () => {
    const client = await createClient(system.databaseUrl, 'keyed-job', 'orders:read', 'orders-api');
    const before = await row(client.id);
    expect(before).toEqual({ secret_hash: expect.stringMatching(/^\$argon2id\$/), secret_hash_alg: 'argon2id-rehash' });

    expect((await grant(client.id, `${client.secret}x`)).status).toBe(401);
    expect(await row(client.id)).toEqual(before);

    expect((await grant(client.id, client.secret)).status).toBe(200);
    const after = await row(client.id);
    expect(after).toEqual({ secret_hash: expect.stringMatching(/^v1\$[A-Za-z0-9_-]{43}$/), secret_hash_alg: 'hmac-sha256' });
    expect(after.secret_hash).not.toContain(client.secret);

    expect((await grant(client.id, client.secret)).status).toBe(200);
    const wrong = await grant(client.id, client.secret.slice(0, -1) + (client.secret.endsWith('A') ? 'B' : 'A'));
    expect({ status: wrong.status, error: wrong.body?.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(await row(client.id)).toEqual(after);
  });

  it('keeps argon2id for an operator-chosen secret', async () => {
    const secret = 'a passphrase an operator typed in!';
    expect((await runClientsCreate(system.databaseUrl, ['--id', 'typed-job', '--audiences', 'orders-api', '--secret-stdin'], secret)).code).toBe(0);
    expect((await grant('typed-job', secret)).status).toBe(200);
    expect(await row('typed-job')).toEqual({ secret_hash: expect.stringMatching(/^\$argon2id\$/), secret_hash_alg: 'argon2id' });
  });

  it('two concurrent first authentications of an argon2id row both succeed and leave one valid keyed hash', async () => {
    const clients = await Promise.all([1, 2, 3].map((n) => createClient(system.databaseUrl, `race-job-${n}`, 'orders:read', 'orders-api')));
    for (const client of clients) {
      const [a, b] = await Promise.all([grant(client.id, client.secret), grant(client.id, client.secret)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(await row(client.id)).toEqual({ secret_hash: expect.stringMatching(/^v1\$/), secret_hash_alg: 'hmac-sha256' });
      expect((await grant(client.id, client.secret)).status).toBe(200);
    }
  });

  it('answers garbage secrets for a keyed client with 401 and leaves the row alone', async () => {
    const client = await createClient(system.databaseUrl, 'garbage-job', 'orders:read', 'orders-api');
    expect((await grant(client.id, client.secret)).status).toBe(200);
    const keyed = await row(client.id);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200, unit: 'binary' }), async (secret) => {
        fc.pre(secret !== client.secret);
        const result = await grant(client.id, secret);
        expect({ status: result.status, error: result.body?.error }).toEqual({ status: 401, error: 'invalid_client' });
      }),
      { numRuns: 40 },
    );
    expect(await row(client.id)).toEqual(keyed);
  });
});

/** Rows written before the secret_hash_alg column existed keep working and are marked for the keyed hash. */
describe('client secret hash migration', () => {
  it('marks existing argon2id rows argon2id-rehash and leaves public clients alone', async () => {
    const database = await createTestDatabase();
    const dataSource = await new DataSource({ ...typeOrmOptions(database.url), logging: false }).initialize();
    try {
      await dataSource.runMigrations();
      await dataSource.undoLastMigration();
      await dataSource.query(
        `INSERT INTO clients (client_id, secret_hash, allowed_audiences) VALUES ('old-job', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', '{orders-api}')`,
      );
      await dataSource.query(
        `INSERT INTO clients (client_id, secret_hash, client_type, redirect_uris, allowed_audiences) VALUES ('old-spa', NULL, 'public', '{https://spa.example/cb}', '{orders-api}')`,
      );
      await dataSource.runMigrations();
      const rows = await dataSource.query(`SELECT client_id, secret_hash_alg FROM clients ORDER BY client_id`);
      expect(rows).toEqual([
        { client_id: 'old-job', secret_hash_alg: 'argon2id-rehash' },
        { client_id: 'old-spa', secret_hash_alg: 'argon2id' },
      ]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
