import { randomBytes } from 'node:crypto';
import { PasswordHasher } from '../users/password.hasher';
import { ClientSecretHasher } from './client-secret.hasher';

describe('ClientSecretHasher', () => {
  const passwords = new PasswordHasher();
  const kek = randomBytes(32);
  const secret = randomBytes(32).toString('base64url');

  it('keys generated secrets, keeps operator secrets on argon2id, and stays argon2id without a key', async () => {
    const keyed = new ClientSecretHasher(passwords, kek);
    expect((await keyed.hash(secret, true)).secretHashAlg).toBe('hmac-sha256');
    expect((await keyed.hash(secret, false)).secretHashAlg).toBe('argon2id');
    expect((await new ClientSecretHasher(passwords).hash(secret, true)).secretHashAlg).toBe('argon2id-rehash');
  });

  it.each([
    ['the right secret', secret, true],
    ['another secret', `${secret}x`, false],
    ['an empty secret', '', false],
  ])('checks a keyed hash against %s', async (_label, presented, ok) => {
    const hasher = new ClientSecretHasher(passwords, kek);
    const stored = await hasher.hash(secret, true);
    expect(await hasher.verify(stored, presented)).toEqual({ ok });
  });

  it('refuses a keyed hash under another key, in a keyless process, and for an unknown client', async () => {
    const stored = await new ClientSecretHasher(passwords, kek).hash(secret, true);
    expect((await new ClientSecretHasher(passwords, randomBytes(32)).verify(stored, secret)).ok).toBe(false);
    expect((await new ClientSecretHasher(passwords).verify(stored, secret)).ok).toBe(false);
    expect((await new ClientSecretHasher(passwords, kek).verify(undefined, secret)).ok).toBe(false);
    expect((await new ClientSecretHasher(passwords, kek).verify({ secretHash: 'v1$short', secretHashAlg: 'hmac-sha256' }, secret)).ok).toBe(false);
  });

  it('offers a keyed rehash only for a verified argon2id-rehash row', async () => {
    const keyless = await new ClientSecretHasher(passwords).hash(secret, true);
    const hasher = new ClientSecretHasher(passwords, kek);
    const check = await hasher.verify(keyless, secret);
    expect(check).toEqual({ ok: true, rehash: { secretHash: expect.stringMatching(/^v1\$/), secretHashAlg: 'hmac-sha256' } });
    expect((await hasher.verify(check.rehash, secret)).ok).toBe(true);
    expect(await hasher.verify(keyless, 'wrong')).toEqual({ ok: false });
    expect(await hasher.verify({ ...keyless, secretHashAlg: 'argon2id' }, secret)).toEqual({ ok: true });
  });
});
