import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateSecret } from './local-secret';

describe('readOrCreateSecret', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'secret-'));

  it('creates an owner-only, URL-safe secret once and returns the same one afterwards', () => {
    const file = join(dir(), 'nested', 'postgres.password');
    const first = readOrCreateSecret(file);
    expect(first).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readOrCreateSecret(file)).toBe(first);
  });

  it('refuses an empty secret file rather than using an empty password', () => {
    const file = join(dir(), 'postgres.password');
    writeFileSync(file, '\n');
    expect(() => readOrCreateSecret(file)).toThrow(/is empty/);
  });
});
