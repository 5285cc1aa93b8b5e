import { extractCookieToken } from './cookie-token.extractor';

const options = { name: '__Host-access_token', csrfHeader: 'X-CSRF-Token', csrfCookie: '__Host-csrf_token' };
const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const csrf = 'k1lF3o0s5Xv1rK9m2Q8w7e6r5t4y3u2i';
const jar = (extra = '') => `__Host-access_token=${token}; __Host-csrf_token=${csrf}${extra}`;

describe('extractCookieToken', () => {
  const cases: [string, string, Record<string, string | string[]>, string | undefined | null][] = [
    ['no cookie header', 'GET', {}, undefined],
    ['other cookies only', 'POST', { cookie: 'theme=dark' }, undefined],
    ['GET needs no CSRF header', 'GET', { cookie: jar() }, token],
    ['HEAD needs no CSRF header', 'HEAD', { cookie: jar() }, token],
    ['POST with the matching header', 'POST', { cookie: jar(), 'x-csrf-token': csrf }, token],
    ['lower-case method still checked', 'delete', { cookie: jar() }, null],
    ['POST without the header', 'POST', { cookie: jar() }, null],
    ['PUT with a wrong header', 'PUT', { cookie: jar(), 'x-csrf-token': `${csrf.slice(1)}x` }, null],
    ['PATCH with a shorter header', 'PATCH', { cookie: jar(), 'x-csrf-token': csrf.slice(1) }, null],
    ['DELETE with the header but no CSRF cookie', 'DELETE', { cookie: `__Host-access_token=${token}`, 'x-csrf-token': csrf }, null],
    ['unknown method is treated as unsafe', '', { cookie: jar() }, null],
    ['repeated header', 'POST', { cookie: jar(), 'x-csrf-token': [csrf, csrf] }, null],
    ['too short a CSRF pair', 'POST', { cookie: `__Host-access_token=${token}; __Host-csrf_token=abc`, 'x-csrf-token': 'abc' }, null],
    ['token with illegal characters', 'GET', { cookie: '__Host-access_token=a"b' }, null],
    ['the access cookie twice (cookie tossing), even with equal values', 'GET', { cookie: jar(`; __Host-access_token=${token}`) }, null],
    ['the CSRF cookie twice', 'POST', { cookie: jar(`; __Host-csrf_token=${csrf}`), 'x-csrf-token': csrf }, null],
    ['a look-alike name is not a repeat', 'GET', { cookie: jar(`; x__Host-access_token=1; __Host-access_tokenx=2`) }, token],
    ['oversized cookie header', 'GET', { cookie: jar(`; pad=${'x'.repeat(20_000)}`) }, null],
  ];
  it.each(cases)('%s', (_name, method, headers, expected) => {
    expect(extractCookieToken(method, headers, options)).toBe(expected);
  });
});
