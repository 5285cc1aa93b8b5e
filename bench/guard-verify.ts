/**
 * Verification cost per token: the guard's AccessTokenVerifier (every check: strict header, allow-list,
 * key fitness, signature, claims) against jose's jwtVerify with the same policy, and a bare crypto.verify
 * as the floor. Prints ops/s per algorithm and the ratio guard / jose.
 *
 *   npm run build && npm run bench:guard-verify [-- iterations]
 */
import { generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { jwtVerify } from 'jose';
import { AccessTokenVerifier, KeySource, VerificationKey } from '@app/auth-guard';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'orders-api';
const iterations = Number(process.argv[2] ?? 20_000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

type Alg = 'RS256' | 'ES256' | 'EdDSA';
const pairs: Record<Alg, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
};
const hashOf = (alg: Alg) => (alg === 'EdDSA' ? null : 'sha256');
const keyFor = (alg: Alg, key: KeyObject) => (alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key);

function mint(alg: Alg, privateKey: KeyObject): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg, typ: 'at+jwt', kid: 'bench' })}.${b64({ iss: ISSUER, aud: [AUDIENCE, 'billing-api'], sub: 'user-1', iat: now, exp: now + 900, jti: 'j-1', roles: ['user'], scope: 'orders:read' })}`;
  return `${input}.${sign(hashOf(alg), Buffer.from(input), keyFor(alg, privateKey)).toString('base64url')}`;
}

async function opsPerSecond(run: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(2000, iterations / 10); i++) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return iterations / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const alg of Object.keys(pairs) as Alg[]) {
    const { privateKey, publicKey } = pairs[alg]();
    const token = mint(alg, privateKey);
    const entry: VerificationKey = { kid: 'bench', alg, key: publicKey };
    const keys: KeySource = { getKey: async () => entry, isReady: () => true, algorithms: () => new Set([alg]) };
    const guard = new AccessTokenVerifier(keys, { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg], clockToleranceSeconds: 5 });
    const joseOptions = {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [alg],
      typ: 'at+jwt',
      clockTolerance: 5,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
    };
    const [signingInput, signature] = [token.slice(0, token.lastIndexOf('.')), Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')];

    const guardOps = await opsPerSecond(() => guard.verify(token));
    const joseOps = await opsPerSecond(() => jwtVerify(token, publicKey, joseOptions));
    const rawOps = await opsPerSecond(() => verify(hashOf(alg), Buffer.from(signingInput), keyFor(alg, publicKey), signature));
    rows.push({
      alg,
      'guard ops/s': Math.round(guardOps),
      'jose ops/s': Math.round(joseOps),
      'crypto.verify ops/s': Math.round(rawOps),
      'guard / jose': Number((guardOps / joseOps).toFixed(2)),
    });
  }
  console.log(`guard-verify: ${iterations} verifications per cell, Node ${process.version}`);
  console.table(rows);
}

void main();
