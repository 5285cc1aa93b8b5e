import { Algorithm, hash } from '@node-rs/argon2';
import { Client } from 'pg';

/** Inserts a user directly (the issuer has no sign-up endpoint), hashed exactly as the issuer hashes. */
export async function insertUser(databaseUrl: string, user: { username: string; password: string; roles?: string[]; disabled?: boolean }): Promise<void> {
  const passwordHash = await hash(user.password, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('INSERT INTO users (username, password_hash, roles, disabled) VALUES ($1, $2, $3, $4)', [user.username, passwordHash, user.roles ?? ['user'], user.disabled ?? false]);
  } finally {
    await client.end();
  }
}
