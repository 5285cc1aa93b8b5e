import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readOptional } from '@app/platform';

/**
 * The key that encrypts signing keys at rest: 32 bytes, base64 or hex in KEY_ENCRYPTION_KEY.
 * Required in production; elsewhere a generated key under the data dir keeps a second start working.
 */
export function resolveKeyEncryptionKey(env: NodeJS.ProcessEnv, production: boolean, dataDir: string): Buffer {
  const raw = readOptional(env, 'KEY_ENCRYPTION_KEY');
  if (raw) return parseKey(raw);
  if (production) throw new ConfigError('KEY_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
  return loadOrCreateDevKey(dataDir);
}

function parseKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('KEY_ENCRYPTION_KEY', 'must be 32 bytes as base64 or 64 hex characters');
  }
  return key;
}

function loadOrCreateDevKey(dataDir: string): Buffer {
  const path = join(dataDir, 'dev-key-encryption-key');
  console.warn(`warning: KEY_ENCRYPTION_KEY unset; using the development key at ${path} (set it in production)`);
  if (existsSync(path)) return parseKey(readFileSync(path, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64'), { mode: 0o600 });
  return key;
}
