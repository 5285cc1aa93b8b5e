import { ConfigError } from '@app/platform';
import type { AuthGuardOptions } from './auth-guard.options';
import { resolveOptions } from './auth-guard.module-definition';

describe('resolveOptions', () => {
  const base: AuthGuardOptions = { issuer: 'https://auth.example.com', audience: 'orders-api' };

  it('fills in every default', () => {
    expect(resolveOptions(base)).toMatchObject({
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 5,
      redisPrefix: '',
      keyEvents: true,
      fetchTimeoutMs: 2000,
      unknownKidCooldownMs: 10_000,
      jwksRefreshIntervalMs: 60_000,
      retryAfterSeconds: 5,
    });
  });

  it('treats an explicit undefined as "use the default"', () => {
    expect(resolveOptions({ ...base, clockToleranceSeconds: undefined }).clockToleranceSeconds).toBe(5);
  });

  const bad: [string, Partial<AuthGuardOptions> | Record<string, unknown>, string][] = [
    ['no issuer', { issuer: undefined }, 'AuthGuardModule.issuer'],
    ['an issuer that is not a URL', { issuer: 'auth.example.com' }, 'AuthGuardModule.issuer'],
    ['no audience', { audience: '' }, 'AuthGuardModule.audience'],
    ['an empty audience list', { audience: [] }, 'AuthGuardModule.audience'],
    ['an empty audience in the list', { audience: ['orders-api', ''] }, 'AuthGuardModule.audience'],
    ['a realm with a quote', { realm: 'a"b' }, 'AuthGuardModule.realm'],
    ['an empty allow-list', { algorithms: [] }, 'AuthGuardModule.algorithms'],
    ['alg none', { algorithms: ['RS256', 'none'] }, 'AuthGuardModule.algorithms'],
    ['an HMAC algorithm', { algorithms: ['HS256'] }, 'AuthGuardModule.algorithms'],
    ['a misspelt algorithm', { algorithms: ['rs256'] }, 'AuthGuardModule.algorithms'],
    ['a negative tolerance', { clockToleranceSeconds: -1 }, 'AuthGuardModule.clockToleranceSeconds'],
    ['a ten-minute tolerance', { clockToleranceSeconds: 600 }, 'AuthGuardModule.clockToleranceSeconds'],
    ['a zero timeout', { fetchTimeoutMs: 0 }, 'AuthGuardModule.fetchTimeoutMs'],
    ['a NaN cooldown', { unknownKidCooldownMs: Number.NaN }, 'AuthGuardModule.unknownKidCooldownMs'],
    ['a staleness bound shorter than the refresh period', { jwksMaxStalenessMs: 30_000 }, 'AuthGuardModule.jwksMaxStalenessMs'],
    ['a zero staleness bound', { jwksMaxStalenessMs: 0 }, 'AuthGuardModule.jwksMaxStalenessMs'],
  ];
  it.each(bad)('stops at start on %s, naming the option', (_name, overrides, variable) => {
    let error: unknown;
    try {
      resolveOptions({ ...base, ...overrides });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
