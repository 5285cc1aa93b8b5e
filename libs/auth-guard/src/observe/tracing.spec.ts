import { redisKeys } from '@app/contract';
import RedisMock from 'ioredis-mock';
import { setTracingEnabled } from '@app/platform';
import { RecordingTracerProvider } from '@app/platform/recording-tracer';
import { TestKeySet } from '../testing';
import { GuardMetrics } from '../guard/guard.metrics';
import { countingKeySource } from './counting-key-source';
import { observedJwksFetcher } from './observed-jwks.fetcher';
import { ObservedRevocationChecker } from './observed-revocation.checker';
import { TracedAccessTokenVerifier } from './traced-access-token.verifier';

/** Spans around verify, JWKS fetch and the revocation lookup: right names and attributes, never token content. */
describe('guard tracing hooks', () => {
  const keys = TestKeySet.generate();
  const policy = { issuer: keys.issuer, audience: 'test-api', algorithms: ['RS256'], clockToleranceSeconds: 5 };
  let recorder: RecordingTracerProvider;

  beforeEach(() => {
    recorder = RecordingTracerProvider.install();
    setTracingEnabled(true);
  });
  afterAll(() => setTracingEnabled(false));

  const everything = () => JSON.stringify(recorder.spans);

  it('token.verify: accepted, and refused with the refusal code only', async () => {
    const verifier = new TracedAccessTokenVerifier(countingKeySource(keys.keySource(), new GuardMetrics()), policy);
    const token = keys.mint({ sub: 'alice', jti: 'jti-secret-1' });
    await verifier.verify(token);
    const expired = keys.mint({ sub: 'alice', iat: Math.floor(Date.now() / 1000) - 1000 }, { expiresIn: 300 });
    await expect(verifier.verify(expired)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    expect(recorder.spans.map((span) => [span.name, span.attributes, span.status?.code, span.ended])).toEqual([
      ['token.verify', { 'auth.outcome': 'accepted' }, 1, true],
      ['token.verify', { 'error.code': 'ERR_TOKEN_EXPIRED' }, 2, true],
    ]);
    for (const secret of [token, expired, token.split('.')[2], 'alice', 'jti-secret-1']) expect(everything()).not.toContain(secret);
  });

  it('jwks.fetch: result and key count, or the failure code', async () => {
    const metrics = new GuardMetrics();
    const ok = observedJwksFetcher({ fetch: async () => ({ modified: true, keys: new Map([['k', {} as never]]) }) }, metrics);
    await ok.fetch();
    const failing = observedJwksFetcher(
      { fetch: () => Promise.reject(Object.assign(new Error('https://user:pw@issuer down'), { code: 'ERR_ISSUER_UNREACHABLE' })) },
      metrics,
    );
    await expect(failing.fetch('"etag"')).rejects.toThrow();
    expect(recorder.spans.map((span) => [span.name, span.attributes])).toEqual([
      ['jwks.fetch', { 'jwks.conditional': false, 'jwks.result': 'modified', 'jwks.keys': 1 }],
      ['jwks.fetch', { 'jwks.conditional': true, 'error.code': 'ERR_ISSUER_UNREACHABLE' }],
    ]);
    expect(metrics.jwksSnapshot()).toEqual({ modified: 1, ERR_ISSUER_UNREACHABLE: 1 });
    expect(everything()).not.toContain('pw@');
  });

  it('revocation.lookup: ok or revoked, timed, without the jti or subject', async () => {
    const redis = new RedisMock();
    await redis.set(redisKeys('').deniedJti('revoked-jti-1'), '1');
    const metrics = new GuardMetrics();
    const timings: string[] = [];
    metrics.onRevocationLookup((seconds, result) => timings.push(`${result}:${seconds >= 0}`));
    const checker = new ObservedRevocationChecker(redis, '', false, metrics);
    await checker.assertNotRevoked({ jti: 'fresh-jti-1', sub: 'subject-1', iat: 1 });
    await expect(checker.assertNotRevoked({ jti: 'revoked-jti-1', sub: 'subject-1', iat: 1 })).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    expect(recorder.spans.map((span) => [span.name, span.attributes['revocation.result']])).toEqual([
      ['revocation.lookup', 'ok'],
      ['revocation.lookup', 'revoked'],
    ]);
    expect(timings).toEqual(['ok:true', 'revoked:true']);
    for (const secret of ['fresh-jti-1', 'revoked-jti-1', 'subject-1']) expect(everything()).not.toContain(secret);
  });

  it('records nothing when tracing is off', async () => {
    setTracingEnabled(false);
    const verifier = new TracedAccessTokenVerifier(keys.keySource(), policy);
    await verifier.verify(keys.mint({ sub: 'alice' }));
    expect(recorder.spans).toEqual([]);
  });

  it('counts kids: known by name, unknown as "unknown"', async () => {
    const metrics = new GuardMetrics();
    const source = countingKeySource(keys.keySource(), metrics);
    await source.getKey(keys.signingKey.kid);
    await source.getKey('invented-by-attacker');
    expect(metrics.kidSnapshot()).toEqual({ [keys.signingKey.kid]: 1, unknown: 1 });
  });
});
