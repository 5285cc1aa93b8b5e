import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM envelope for private keys at rest. The kid is bound as associated data,
 * so a ciphertext copied onto another key's row fails to decrypt.
 */
export function encryptPrivateKey(kek: Buffer, kid: string, pkcs8Der: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptPrivateKey(kek: Buffer, kid: string, envelope: string): Buffer {
  const [version, iv, tag, ciphertext] = envelope.split(':');
  if (version !== VERSION || !iv || !tag || !ciphertext) throw new Error('unrecognised private key envelope');
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
}
