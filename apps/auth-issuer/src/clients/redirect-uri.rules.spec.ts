import { isValidRedirectUri, matchesRegisteredUri } from './redirect-uri.rules';

describe('redirect URI rules', () => {
  it.each([
    ['https://app.example.com/callback', true],
    ['http://127.0.0.1:4180/callback', true],
    ['http://localhost:8080/cb', true],
    ['http://[::1]/cb', true],
    ['http://app.example.com/callback', false],
    ['https://app.example.com/cb#frag', false],
    ['https://*.example.com/cb', false],
    ['https://user:pw@app.example.com/cb', false],
    ['javascript:alert(1)', false],
    ['/relative', false],
    ['https://app.example.com/a b', false],
  ])('%s registrable: %s', (uri, ok) => expect(isValidRedirectUri(uri)).toBe(ok));

  const registered = ['http://127.0.0.1:4180/callback', 'http://127.0.0.1/native', 'https://app.example.com/cb'];
  it.each([
    ['http://127.0.0.1:4180/callback', true],
    ['http://127.0.0.1:4181/callback', false],
    ['http://127.0.0.1:4180/callback/', false],
    ['http://127.0.0.1:4180/callback?x=1', false],
    ['http://127.0.0.1:4180/Callback', false],
    ['http://127.0.0.1:51000/native', true],
    ['http://127.0.0.1/native', true],
    ['http://127.0.0.1:51000/native/x', false],
    ['http://localhost:51000/native', false],
    ['https://app.example.com/cb', true],
    ['https://app.example.com/cb/../cb', false],
    ['https://app.example.com/cb?next=https://evil.example', false],
    ['https://app.example.com.evil.example/cb', false],
    ['https://app.example.com:443/cb', false],
    ['http://127.0.0.1:0051000/native', false],
  ])('%s matches: %s', (uri, ok) => expect(matchesRegisteredUri(uri, registered)).toBe(ok));
});
