import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminLogin, call, decodeJwt, login } from '../support/http';
import { builtEntry, runNode } from './support/built-app';
import { adminKeys, byState, eventually, jwksKids, KeysSystem, startKeysSystem } from './support/keys-system';

jest.setTimeout(60_000);

/**
 * The operator CLI as operators run it (`npm run keys:* --` is this entry point), on the database of a
 * running issuer. The issuer re-reads keys only every 60 s here, so seeing a change sooner proves the
 * Redis notice reached it.
 */
describe('operator CLI', () => {
  const cli = builtEntry('apps/auth-issuer/src/cli/main.js');
  let system: KeysSystem;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[], input = '', extra: NodeJS.ProcessEnv = {}) => runNode(cli, args, { ...env, ...extra }, input);

  beforeAll(async () => {
    system = await startKeysSystem({ env: { KEY_RELOAD_INTERVAL: '60' } });
    const { PORT: _port, ...rest } = system.issuerEnv;
    env = rest;
  });
  afterAll(() => system?.stop());

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db.example/keys' }],
    ['KEY_PUBLISH_LEAD_TIME', { KEY_PUBLISH_LEAD_TIME: '10' }],
  ])('validates config like the server: a bad %s is one line and a non-zero exit', async (variable, extra) => {
    const result = await run(['keys:list'], '', extra);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^config error: ${variable}: `))]);
    expect(result.stdout).toBe('');
  });

  it('answers an unknown command or flag with usage and exit code 2', async () => {
    expect((await run(['keys:explode'])).code).toBe(2);
    const flag = await run(['keys:rotate', '--now']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('usage: keys:rotate');
  });

  it('keys:list shows the keys without material, as a table or JSON', async () => {
    const table = await run(['keys:list']);
    expect(table.code).toBe(0);
    const [active] = byState(await adminKeys(system), 'active');
    expect(table.stdout).toMatch(new RegExp(`^${active.kid}\\tRS256\\tactive\\tgenerated`, 'm'));
    const json = JSON.parse((await run(['keys:list', '--json'])).stdout);
    expect(json.keys.map((k: { state: string }) => k.state).sort()).toEqual(['active', 'pending']);
    expect(JSON.stringify(json)).not.toMatch(/private|"d"/);
  });

  it('keys:rotate promotes the next key; the running issuer follows at once', async () => {
    const [pending] = byState(await adminKeys(system), 'pending');
    const rotated = await run(['keys:rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`rotated: ${pending.kid} signs now`);
    expect(rotated.stdout).toContain('note: published for less than'); // the system started moments ago
    // Correctness only: the running issuer picks up the CLI's change (how fast is the bench's to say).
    await eventually(
      async () => decodeJwt((await login(system.issuerUrl, 'alice', 'alice-password')).access_token).header.kid === pending.kid,
      15_000,
      'issuer signing with the new key',
    );
    const [audit] = await system.sql<{ subject: string; details: { via: string } }>(`SELECT subject, details FROM audit_events WHERE type = 'key_rotated'`);
    expect(audit.subject).toMatch(/^cli:/);
    expect(audit.details.via).toBe('cli');
  });

  it("keys:revoke pulls a key from the running issuer's JWKS at once; an unknown kid is refused", async () => {
    const [pending] = byState(await adminKeys(system), 'pending');
    const revoked = await run(['keys:revoke', pending.kid]);
    expect(revoked.code).toBe(0);
    await eventually(async () => !(await jwksKids(system.issuerUrl)).includes(pending.kid), 3000, 'JWKS without the revoked key');
    const unknown = await run(['keys:revoke', 'no-such-kid']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: not_found: /m);
    expect((await run(['keys:revoke'])).code).toBe(2);
  });

  it('keys:import reads a PEM from stdin or --file, refuses weak keys, and never prints the key', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const imported = await run(['keys:import', '--kid', 'cli-ed'], pem);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported cli-ed \(EdDSA\) as pending/);
    const body = pem.split('\n')[1];
    expect(imported.stdout + imported.stderr).not.toContain(body);
    await eventually(async () => (await jwksKids(system.issuerUrl)).includes('cli-ed'), 3000, 'JWKS with the imported key');

    const dir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
    const file = join(dir, 'weak.pem');
    writeFileSync(file, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const weak = await run(['keys:import', '--kid', 'weak', '--file', file]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^error: weak_key: /m);
    expect((await run(['keys:import', '--kid', 'x', '--file', join(dir, 'missing.pem')])).code).toBe(2);
  });

  it('users:create reads the password from stdin, never argv, and takes roles from a flag', async () => {
    const created = await run(['users:create', 'carol', '--roles', 'admin,user'], 'carol-password-1\n');
    expect(created.code).toBe(0);
    const { access_token } = await login(system.issuerUrl, 'carol', 'carol-password-1');
    expect(decodeJwt(access_token).payload.roles).toEqual(['admin', 'user']);
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: await adminLogin(system.issuerUrl, 'carol', 'carol-password-1') })).status).toBe(200);

    const onArgv = await run(['users:create', 'dave', '--password', 'dave-password-1'], 'dave-password-1\n');
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toContain('stdin');
    expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'dave', password: 'dave-password-1' } })).status).toBe(401);

    const short = await run(['users:create', 'erin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error: invalid_request: /m);
    const taken = await run(['users:create', 'carol'], 'carol-password-2\n');
    expect(taken.stderr).toMatch(/^error: conflict: /m);
  });
});
