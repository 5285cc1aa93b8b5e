import { createHmac, randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenVerifier, VerificationError } from '@app/auth-guard';
import { ConfigError } from '@app/platform';
import { Hs256TokenService } from './hs256-token.service';
import { Hs256TokenVerifier } from './hs256-token.verifier';
import { resolveHs256Options } from './hs256-tokens.options';
import { parseHs256Secrets } from './hs256-secrets';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof VerificationError) return error.code;
    throw error;
  }
};

describe('HS256 mode', () => {
  const current = randomBytes(32);
  const previous = randomBytes(32);
  const options = resolveHs256Options({
    secrets: [
      { kid: 'k1', secret: current },
      { kid: 'k0', secret: previous },
    ],
    issuer: 'https://svc.test',
    audience: 'svc',
    ttlSeconds: 60,
  });
  const jwt = new JwtService({});
  const verifier = new Hs256TokenVerifier(jwt, options);
  const service = new Hs256TokenService(jwt, verifier, options, null);
  const hmac = (header: Record<string, unknown>, payload: Record<string, unknown>, key: Buffer) => {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
  };

  it('signs with the current kid and verifies tokens of every configured kid, with the shared codes for the rest', async () => {
    const token = service.sign({ sub: 'alice', roles: ['admin'] });
    expect(await verifier.verify(token)).toMatchObject({ sub: 'alice', roles: ['admin'], scope: '', aud: 'svc' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const header = { alg: 'HS256', typ: 'at+jwt', kid: 'k0' };
    expect(await codeOf(verifier.verify(hmac(header, claims, previous)))).toBe('accepted');
    expect(await codeOf(verifier.verify(hmac({ ...header, alg: 'HS384' }, claims, previous)))).toBe('ERR_ALG_NOT_ALLOWED');
    expect(await codeOf(verifier.verify(hmac({ ...header, kid: 'k9' }, claims, previous)))).toBe('ERR_KID_UNKNOWN');
    expect(await codeOf(verifier.verify(hmac(header, claims, current)))).toBe('ERR_SIGNATURE_INVALID');
    expect(await codeOf(verifier.verify(hmac(header, { ...claims, exp: claims.iat - 1 }, previous)))).toBe('ERR_CLAIMS_INVALID');
    expect(await codeOf(verifier.verify(hmac({ ...header, x5u: 'https://x' }, claims, previous)))).toBe('ERR_HEADER_REFUSED');
  });

  it('is never accepted by the asymmetric verifier, even where a key source offered the same kid', async () => {
    const token = service.sign({ sub: 'alice' });
    const keys = { getKey: async () => ({ kid: 'k1', alg: 'HS256', key: undefined as never }), isReady: () => true, algorithms: () => new Set(['HS256']) };
    const asymmetric = new AccessTokenVerifier(keys, {
      issuer: 'https://svc.test',
      audience: 'svc',
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 5,
    });
    expect(await codeOf(asymmetric.verify(token))).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('refuses short secrets naming the variable, never the value', () => {
    const short = randomBytes(31).toString('base64url');
    const error = (() => {
      try {
        parseHs256Secrets(`k1:${short}`, 'MY_SECRETS');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^MY_SECRETS: secret of kid "k1" must be at least 32 random bytes$/);
    expect((error as ConfigError).message).not.toContain(short);
    expect(() => resolveHs256Options({ ...options, secrets: [{ kid: 'k', secret: randomBytes(16) }] })).toThrow(/^Hs256TokensModule\.secrets: /);
  });
});
