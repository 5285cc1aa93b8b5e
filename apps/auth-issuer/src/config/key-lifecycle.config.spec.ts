import { ConfigError } from '@app/platform';
import { loadKeyLifecycleConfig } from './key-lifecycle.config';

describe('loadKeyLifecycleConfig', () => {
  it('defaults: daily rotation, an hour of pre-publication, a 5-minute JWKS cache', () => {
    expect(loadKeyLifecycleConfig({})).toEqual({
      rotationIntervalSeconds: 86400,
      publishLeadSeconds: 3600,
      jwksMaxAgeSeconds: 300,
      reloadIntervalSeconds: 5,
      tickSeconds: 60,
      removalGraceSeconds: 60,
    });
  });

  it('accepts short timings that keep the ordering (tests, benchmarks)', () => {
    const config = loadKeyLifecycleConfig({
      JWKS_MAX_AGE: '1',
      KEY_RELOAD_INTERVAL: '1',
      KEY_PUBLISH_LEAD_TIME: '2',
      KEY_ROTATION_INTERVAL: '3',
      KEY_ROTATION_TICK: '1',
    });
    expect(config).toMatchObject({ jwksMaxAgeSeconds: 1, publishLeadSeconds: 2, rotationIntervalSeconds: 3 });
  });

  it('a long JWKS cache lifts the default lead time above it', () => {
    expect(loadKeyLifecycleConfig({ JWKS_MAX_AGE: '7200' }).publishLeadSeconds).toBe(7205);
  });

  it.each([
    ['JWKS_MAX_AGE', { JWKS_MAX_AGE: '-1' }],
    ['JWKS_MAX_AGE', { JWKS_MAX_AGE: 'soon' }],
    ['KEY_RELOAD_INTERVAL', { KEY_RELOAD_INTERVAL: '0' }],
    ['KEY_PUBLISH_LEAD_TIME', { KEY_PUBLISH_LEAD_TIME: '300' }],
    ['KEY_PUBLISH_LEAD_TIME', { JWKS_MAX_AGE: '600', KEY_PUBLISH_LEAD_TIME: '604' }],
    ['KEY_ROTATION_INTERVAL', { KEY_ROTATION_INTERVAL: '1800' }],
    ['KEY_ROTATION_INTERVAL', { KEY_ROTATION_INTERVAL: '1.5' }],
    ['KEY_ROTATION_TICK', { KEY_ROTATION_TICK: '0' }],
    ['KEY_REMOVAL_GRACE', { KEY_REMOVAL_GRACE: '99999' }],
  ])('refuses a bad %s naming it', (variable, env) => {
    let error: unknown;
    try {
      loadKeyLifecycleConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
