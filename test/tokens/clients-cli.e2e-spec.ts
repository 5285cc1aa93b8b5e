import { Client } from 'pg';
import { clientsCreate } from '../../apps/auth-issuer/src/cli/clients-create.command';
import { runClientsCreate } from '../support/oauth-clients';
import { createTestDatabase, TestDatabase } from '../support/test-stores';

/** The operator's clients:create command, on a fresh database (it applies the migrations itself). */
describe('clients:create', () => {
  let database: TestDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('stores an argon2id hash only, prints the secret once, and audits client_created', async () => {
    const run = await runClientsCreate(database.url, ['--id', 'cli-made', '--scopes', 'invoices:read', '--audiences=billing-api']);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out[0]);
    expect(printed).toEqual({
      client_id: 'cli-made',
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      scopes: ['invoices:read'],
      audiences: ['billing-api'],
    });
    const { rows } = await db.query(`SELECT secret_hash FROM clients WHERE client_id = 'cli-made'`);
    expect(rows[0].secret_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].secret_hash).not.toContain(printed.client_secret);
    const audit = await db.query(`SELECT details::text AS d FROM audit_events WHERE type = 'client_created' AND details->>'client_id' = 'cli-made'`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].d).not.toContain(printed.client_secret);

    const stdin = await runClientsCreate(database.url, ['--id', 'cli-stdin', '--audiences', 'billing-api', '--secret-stdin'], 'x'.repeat(40));
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.out[0])).not.toHaveProperty('client_secret');
  });

  it('refuses bad registrations with a non-zero exit and stores nothing', async () => {
    expect((await runClientsCreate(database.url, ['--id', 'orders-to-billing', '--audiences', 'billing-api'])).code).toBe(0);
    const cases: [string, string[], number, string?][] = [
      ['duplicate id', ['--id', 'orders-to-billing', '--audiences', 'billing-api'], 1],
      ['UUID-shaped id (would pose as a user)', ['--id', '0b7f2a0e-5b7e-4c1a-9d55-3f6f0d1d2c3b', '--audiences', 'billing-api'], 1],
      ['id with spaces', ['--id', 'bad id', '--audiences', 'billing-api'], 1],
      ['bad scope', ['--id', 'bad-scope', '--scopes', 'a"b', '--audiences', 'billing-api'], 1],
      ['short stdin secret', ['--id', 'short-secret', '--audiences', 'billing-api', '--secret-stdin'], 1, 'short'],
      ['no audiences', ['--id', 'no-aud'], 2],
      ['no id', ['--audiences', 'billing-api'], 2],
      ['unknown flag', ['--id', 'x', '--audiences', 'billing-api', '--admin'], 2],
      ['repeated flag', ['--id', 'x', '--id', 'y', '--audiences', 'billing-api'], 2],
      // The issuer's own audiences (ISSUER_URL defaults to http://localhost:3000): a client token for them would act at the issuer.
      ['the issuer as its only audience', ['--id', 'issuer-aud', '--audiences', 'http://localhost:3000'], 1],
      ['the issuer with a trailing slash', ['--id', 'issuer-slash', '--audiences', 'billing-api,http://localhost:3000/'], 1],
      ['the admin audience', ['--id', 'admin-aud', '--audiences', 'http://localhost:3000/admin'], 1],
    ];
    for (const [name, args, code, stdin] of cases) {
      const run = await runClientsCreate(database.url, args, stdin);
      expect({ name, code: run.code, out: run.out }).toEqual({ name, code, out: [] });
      expect(run.err.length).toBeGreaterThan(0);
    }
    const { rows } = await db.query(
      `SELECT client_id FROM clients WHERE client_id IN ('bad-scope', 'short-secret', 'no-aud', 'x', 'y', 'bad id', 'issuer-aud', 'issuer-slash', 'admin-aud')`,
    );
    expect(rows).toEqual([]);
  });

  it('refuses the issuer audiences of the ISSUER_URL it is given', async () => {
    const env = { DATABASE_URL: database.url, ISSUER_URL: 'https://auth.example.com' };
    const io = { out: () => undefined, err: () => undefined, readStdin: async () => '' };
    expect(await clientsCreate(['--id', 'example-admin', '--audiences', 'https://auth.example.com/admin'], env, io)).toBe(1);
    expect(await clientsCreate(['--id', 'example-issuer', '--audiences', 'https://auth.example.com'], env, io)).toBe(1);
    expect((await db.query(`SELECT client_id FROM clients WHERE client_id LIKE 'example-%'`)).rows).toEqual([]);
  });

  it('registers code-flow clients: public without a secret, confidential with one, URIs exact', async () => {
    const spa = await runClientsCreate(database.url, [
      '--id',
      'cli-spa',
      '--type',
      'public',
      '--first-party',
      '--audiences',
      'orders-api',
      '--redirect-uris',
      'https://spa.example.com/cb',
      '--post-logout-uris',
      'https://spa.example.com/',
    ]);
    expect(spa.code).toBe(0);
    expect(JSON.parse(spa.out[0])).toEqual({
      client_id: 'cli-spa',
      scopes: [],
      audiences: ['orders-api'],
      client_type: 'public',
      redirect_uris: ['https://spa.example.com/cb'],
      post_logout_redirect_uris: ['https://spa.example.com/'],
      first_party: true,
    });
    const portal = await runClientsCreate(database.url, ['--id', 'cli-portal', '--audiences', 'orders-api', '--redirect-uris', 'http://127.0.0.1/cb']);
    expect(JSON.parse(portal.out[0])).toMatchObject({ client_secret: expect.any(String), client_type: 'confidential', first_party: false });
    const { rows } = await db.query(
      `SELECT client_id, secret_hash IS NULL AS no_secret FROM clients WHERE client_id IN ('cli-spa', 'cli-portal') ORDER BY client_id`,
    );
    expect(rows).toEqual([
      { client_id: 'cli-portal', no_secret: false },
      { client_id: 'cli-spa', no_secret: true },
    ]);
    for (const args of [
      ['--id', 'wild', '--type', 'public', '--audiences', 'orders-api', '--redirect-uris', 'https://*.example.com/cb'],
      ['--id', 'fragment', '--audiences', 'orders-api', '--redirect-uris', 'https://a.example.com/cb#x'],
      ['--id', 'plain-http', '--audiences', 'orders-api', '--redirect-uris', 'http://a.example.com/cb'],
      ['--id', 'no-uris', '--type', 'public', '--audiences', 'orders-api'],
      ['--id', 'public-secret', '--type', 'public', '--secret-stdin', '--audiences', 'orders-api', '--redirect-uris', 'https://a.example.com/cb'],
    ])
      expect({ args, code: (await runClientsCreate(database.url, args, 's'.repeat(40))).code }).toEqual({ args, code: 1 });
    const bad = await runClientsCreate(database.url, ['--id', 'x', '--type', 'hybrid', '--audiences', 'orders-api']);
    expect(bad.code).toBe(2);
  });
});
