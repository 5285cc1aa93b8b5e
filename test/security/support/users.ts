import { hash } from '@node-rs/argon2';
import { ARGON2_PARAMS } from '../../../apps/auth-issuer/src/users/password.hasher';
import { Client } from 'pg';

/** Inserts a user directly (the issuer has no sign-up endpoint), hashed exactly as the issuer hashes. */
export async function insertUser(databaseUrl: string, user: { username: string; password: string; roles?: string[]; disabled?: boolean }): Promise<void> {
  const passwordHash = await hash(user.password, ARGON2_PARAMS);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('INSERT INTO users (username, password_hash, roles, disabled) VALUES ($1, $2, $3, $4)', [
      user.username,
      passwordHash,
      user.roles ?? ['user'],
      user.disabled ?? false,
    ]);
  } finally {
    await client.end();
  }
}
