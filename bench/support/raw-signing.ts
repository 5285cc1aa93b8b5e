import { generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

/**
 * Tokens per second one core signs with `alg`, one at a time, with the claims an access token carries:
 * the limit an issuance figure is divided by.
 */
export async function measureSigning(alg: string, durationMs: number): Promise<number> {
  const { privateKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const sign = () =>
    new SignJWT({ roles: ['user'], scope: '', client_id: 'first-party', sid: randomUUID() })
      .setProtectedHeader({ alg, typ: 'at+jwt', kid: 'bench' })
      .setIssuer('http://127.0.0.1:3000')
      .setSubject(randomUUID())
      .setAudience(['orders-api', 'billing-api'])
      .setIssuedAt()
      .setExpirationTime('15m')
      .setJti(randomUUID())
      .sign(privateKey);
  for (let i = 0; i < 50; i++) await sign();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    await sign();
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}
