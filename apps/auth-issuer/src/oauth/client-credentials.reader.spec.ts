import { issuerErrorCodeOf } from '../../../../test/support/issuer-error-code';
import { readClientCredentials } from './client-credentials.reader';
import { OAuthForm } from './oauth.form';

const form = (body: Record<string, unknown>) => OAuthForm.from({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const basic = (raw: string) => ({ authorization: `Basic ${Buffer.from(raw).toString('base64')}` });
const codeOf = (run: () => unknown) => issuerErrorCodeOf(run);

describe('readClientCredentials', () => {
  it('decodes Basic with form-urlencoded id and secret (RFC 6749 §2.3.1)', () => {
    expect(readClientCredentials(basic('my+client:p%3Ass%2Bword+x'), form({}))).toEqual({ clientId: 'my client', secret: 'p:ss+word x' });
    expect(readClientCredentials(basic('a:b:c'), form({}))).toEqual({ clientId: 'a', secret: 'b:c' });
  });

  it('reads client_secret_post, a public client_id alone, and nothing when no credentials are sent', () => {
    expect(readClientCredentials({}, form({ client_id: 'a', client_secret: 's' }))).toEqual({ clientId: 'a', secret: 's' });
    expect(readClientCredentials({}, form({ client_id: 'my-spa' }))).toEqual({ clientId: 'my-spa', secret: null });
    expect(readClientCredentials({}, form({ grant_type: 'refresh_token' }))).toBeUndefined();
  });

  const refusals: [string, Record<string, string>, Record<string, unknown>, string][] = [
    ['Bearer header', { authorization: 'Bearer abc' }, {}, 'invalid_client'],
    ['Basic without colon', basic('abc'), {}, 'invalid_client'],
    ['Basic with empty id', basic(':secret'), {}, 'invalid_client'],
    ['Basic with bad percent-encoding', basic('a:%E0%A4%A'), {}, 'invalid_client'],
    ['Basic not base64', { authorization: 'Basic ***' }, {}, 'invalid_client'],
    ['Basic plus client_secret', basic('a:b'), { client_secret: 'b' }, 'invalid_request'],
    ['Basic id differs from client_id', basic('a:b'), { client_id: 'c' }, 'invalid_request'],
    ['client_secret alone', {}, { client_secret: 'b' }, 'invalid_request'],
    ['repeated client_id', {}, { client_id: ['a', 'b'], client_secret: 's' }, 'invalid_request'],
  ];
  it.each(refusals)('refuses %s', (_name, headers, body, code) => {
    expect(codeOf(() => readClientCredentials(headers, form(body)))).toBe(code);
  });
});
