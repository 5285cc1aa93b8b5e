import { hash } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { clientsCreate } from '../../apps/auth-issuer/src/cli/clients-create.command';
import { ARGON2_PARAMS } from '../../apps/auth-issuer/src/users/password.hasher';

const PASSWORD = 'bench-password';

/** `count` users (one subject each), each logged in once: their refresh tokens. */
export async function seedSessions(issuerUrl: string, databaseUrl: string, count: number): Promise<string[]> {
  const passwordHash = await hash(PASSWORD, ARGON2_PARAMS);
  const names = Array.from({ length: count }, (_, i) => `bench-user-${i}`);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (const name of names)
      await db.query(`INSERT INTO users (id, username, password_hash, roles) VALUES ($1, $2, $3, '{user}')`, [randomUUID(), name, passwordHash]);
  } finally {
    await db.end();
  }
  const tokens: string[] = [];
  for (const username of names) {
    const response = await fetch(`${issuerUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (!response.ok) throw new Error(`login ${username}: ${response.status}`);
    tokens.push(((await response.json()) as { refresh_token: string }).refresh_token);
  }
  return tokens;
}

/** A client registered with clients:create (generated secret), authenticated once so its secret has the keyed hash. */
export async function seedClient(issuerUrl: string, databaseUrl: string): Promise<{ id: string; secret: string }> {
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: () => undefined, readStdin: async () => '' };
  const code = await clientsCreate(
    ['--id', 'bench-job', '--scopes', 'orders:read', '--audiences', 'orders-api'],
    { DATABASE_URL: databaseUrl, ISSUER_URL: issuerUrl },
    io,
  );
  if (code !== 0) throw new Error(`clients:create exited ${code}`);
  const client = { id: 'bench-job', secret: (JSON.parse(out[0]) as { client_secret: string }).client_secret };
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
  const response = await fetch(`${issuerUrl}/oauth/token`, { method: 'POST', body: form });
  if (!response.ok) throw new Error(`first client_credentials grant: ${response.status}`);
  return client;
}
