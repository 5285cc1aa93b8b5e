import { ConfigError } from './config.error';
import { readCorsOrigins, readTrustProxy } from './edge.config';

describe('readTrustProxy', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['127.0.0.1', '127.0.0.1'],
    ['loopback, 10.0.0.0/8', 'loopback,10.0.0.0/8'],
    ['::1/128', '::1/128'],
  ])('%s → %s', (raw, expected) => expect(readTrustProxy({ TRUST_PROXY: raw })).toEqual(expected));

  it.each(['true', 'proxy.example.com', '10.0.0.0/99', '1.2.3'])('refuses %s', (raw) => {
    expect(() => readTrustProxy({ TRUST_PROXY: raw })).toThrow(ConfigError);
  });
});

describe('readCorsOrigins', () => {
  it('reads exact origins', () => {
    expect(readCorsOrigins({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' })).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(readCorsOrigins({})).toEqual([]);
  });

  it.each(['*', 'https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'ftp://x.example', 'null'])('refuses %s', (raw) => {
    expect(() => readCorsOrigins({ CORS_ORIGINS: raw })).toThrow(ConfigError);
  });
});
