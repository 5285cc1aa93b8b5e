import { createCipheriv, randomBytes } from 'node:crypto';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption';

describe('private key envelope (AES-256-GCM)', () => {
  const kek = randomBytes(32);
  const secret = randomBytes(64);
  const sealed = encryptPrivateKey(kek, 'kid-1', secret);
  const [version, iv, tag, ciphertext] = sealed.split(':');

  it('round-trips, bound to the kid', () => {
    expect(decryptPrivateKey(kek, 'kid-1', sealed).equals(secret)).toBe(true);
    expect(() => decryptPrivateKey(kek, 'kid-2', sealed)).toThrow();
  });

  it('writes a 12-byte IV and a 16-byte tag', () => {
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
  });

  // Node accepts GCM tags down to 4 bytes unless the length is pinned: a truncated tag is a far easier forgery.
  it.each([4, 8, 12, 15])('refuses a tag truncated to %i bytes, even one that is a genuine prefix', (bytes) => {
    const truncated = [version, iv, Buffer.from(tag, 'base64').subarray(0, bytes).toString('base64'), ciphertext].join(':');
    expect(() => decryptPrivateKey(kek, 'kid-1', truncated)).toThrow(expect.objectContaining({ code: 'ERR_KEY_ENVELOPE_IV_OR_TAG_LENGTH' }));
  });

  it('refuses an envelope sealed with a 16-byte IV (or any IV but 12 bytes)', () => {
    const longIv = randomBytes(16);
    const cipher = createCipheriv('aes-256-gcm', kek, longIv);
    cipher.setAAD(Buffer.from('kid-1'));
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    const envelope = [version, longIv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    expect(() => decryptPrivateKey(kek, 'kid-1', envelope)).toThrow(expect.objectContaining({ code: 'ERR_KEY_ENVELOPE_IV_OR_TAG_LENGTH' }));
  });

  it.each([
    ['another version', `v2:${iv}:${tag}:${ciphertext}`],
    ['a missing part', `${version}:${iv}:${tag}`],
    ['an extra part', `${sealed}:AAAA`],
    ['an empty ciphertext', `${version}:${iv}:${tag}:`],
    ['non-base64 text', `${version}:${iv}:${tag}:${ciphertext}!`],
  ])('refuses %s', (_name, envelope) => {
    expect(() => decryptPrivateKey(kek, 'kid-1', envelope)).toThrow();
  });
});
