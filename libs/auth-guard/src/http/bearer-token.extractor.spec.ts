import { extractBearerToken, plainBearerCandidate } from './bearer-token.extractor';

describe('plainBearerCandidate', () => {
  it('gives the credentials of one plain "Bearer <token>" header', () => {
    expect(plainBearerCandidate({ authorization: 'Bearer a.b.c' }, ['Authorization', 'Bearer a.b.c', 'Host', 'x'])).toBe('a.b.c');
  });

  it.each([
    ['another scheme spelling', { authorization: 'bearer a.b.c' }],
    ['another scheme', { authorization: 'Basic YTpi' }],
    ['no header', {}],
    ['a list', { authorization: ['Bearer a', 'Bearer b'] }],
    ['an oversized header', { authorization: `Bearer ${'a'.repeat(20_001)}` }],
  ])('gives nothing for %s (the full extractor decides)', (_, headers) => {
    expect(plainBearerCandidate(headers as Record<string, string>)).toBeUndefined();
  });

  it('does not check what follows the scheme (only an exact match with a verified token can use it)', () => {
    expect(plainBearerCandidate({ authorization: 'Bearer  a.b.c ' })).toBe(' a.b.c ');
    expect(extractBearerToken({ authorization: 'Bearer  a.b.c ' })).toBe('a.b.c');
  });

  it('gives nothing when Authorization was sent twice, whatever its case', () => {
    const raw = ['authorization', 'Bearer a.b.c', 'AUTHORIZATION', 'Bearer x.y.z'];
    expect(plainBearerCandidate({ authorization: 'Bearer a.b.c' }, raw)).toBeUndefined();
    expect(extractBearerToken({ authorization: 'Bearer a.b.c' }, raw)).toBeNull();
  });
});
