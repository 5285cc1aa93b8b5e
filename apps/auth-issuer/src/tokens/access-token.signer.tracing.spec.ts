import { generateKeyPairSync } from 'node:crypto';
import { setTracingEnabled } from '@app/platform';
import { RecordingTracerProvider } from '../../../../libs/platform/src/observability/testing/recording-tracer';
import type { IssuerConfig } from '../config/issuer.config';
import type { SigningKeysService } from '../keys/ring/signing-keys.service';
import { AccessTokenSigner } from './access-token.signer';

describe('AccessTokenSigner tracing', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = { current: () => ({ signer: { alg: 'RS256', kid: 'kid-1', privateKey } }) } as unknown as SigningKeysService;
  const config = { issuerUrl: 'https://issuer.test', accessTokenTtl: 300 } as IssuerConfig;
  afterAll(() => setTracingEnabled(false));

  it('wraps each signature in a token.sign span with the key, never the token or its claims', async () => {
    const recorder = RecordingTracerProvider.install();
    setTracingEnabled(true);
    const signed = await new AccessTokenSigner(keys, config).sign({
      sub: 'subject-secret-1',
      roles: ['user'],
      scope: 'read',
      audience: ['orders-api'],
      sessionId: 'sid-secret-1',
    });
    expect(recorder.spans).toEqual([{ name: 'token.sign', attributes: { 'jwt.alg': 'RS256', 'jwt.kid': 'kid-1' }, status: { code: 1 }, ended: true }]);
    const text = JSON.stringify(recorder.spans);
    for (const secret of [signed.token, signed.jti, 'subject-secret-1', 'sid-secret-1']) expect(text).not.toContain(secret);
  });
});
