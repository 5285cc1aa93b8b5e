import { ConfigError } from '@app/platform';
import { metricsPortsFor } from './metrics-ports';

const APP_PORTS = [3000, 3001, 3002];

describe('metricsPortsFor (npm start)', () => {
  it('gives the apps METRICS_PORT, +1 and +2, in their order', () => {
    expect(metricsPortsFor({ METRICS_TOKEN: 't', METRICS_PORT: '9100' }, APP_PORTS)).toEqual([9100, 9101, 9102]);
  });

  it('leaves them off without METRICS_PORT, and 0 as a free port for each', () => {
    expect(metricsPortsFor({ METRICS_TOKEN: 't' }, APP_PORTS)).toBeUndefined();
    expect(metricsPortsFor({ METRICS_TOKEN: 't', METRICS_PORT: '0' }, APP_PORTS)).toEqual([0, 0, 0]);
  });

  it.each([
    [{ METRICS_PORT: '9100' }, 'needs METRICS_TOKEN'],
    [{ METRICS_TOKEN: 't', METRICS_PORT: '65534' }, 'at most 65533'],
    [{ METRICS_TOKEN: 't', METRICS_PORT: '2999' }, 'overlaps an app port (3000)'],
    [{ METRICS_TOKEN: 't', METRICS_PORT: 'x' }, 'whole number'],
  ])('refuses %j naming METRICS_PORT', (env, problem) => {
    expect(() => metricsPortsFor(env, APP_PORTS)).toThrow(ConfigError);
    try {
      metricsPortsFor(env, APP_PORTS);
    } catch (error) {
      expect((error as ConfigError).variable).toBe('METRICS_PORT');
      expect((error as ConfigError).problem).toContain(problem);
    }
  });
});
