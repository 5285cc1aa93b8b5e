import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { FaultError } from '@app/platform';

const VERSION = 'v1';
/** GCM's standard 96-bit nonce and full 128-bit tag; both are checked on the way in, never trusted from the row. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * AES-256-GCM envelope for private keys at rest. The kid is bound as associated data,
 * so a ciphertext copied onto another key's row fails to decrypt.
 */
export function encryptPrivateKey(kek: Buffer, kid: string, pkcs8Der: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptPrivateKey(kek: Buffer, kid: string, envelope: string): Buffer {
  const parts = envelope.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.slice(1).every((part) => part.length > 0 && BASE64.test(part))) {
    throw new FaultError('ERR_KEY_ENVELOPE_INVALID', 'unrecognised private key envelope');
  }
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64'));
  // Node would accept a truncated tag (down to 4 bytes), turning a forgery into a 2^32 guess: only a full tag is checked.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new FaultError('ERR_KEY_ENVELOPE_IV_OR_TAG_LENGTH', 'private key envelope has a wrong IV or tag length');
  const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
