import { traced } from '@app/platform';
import type { GuardMetrics } from '../guard/guard.metrics';
import type { JwksFetcher, JwksFetchResult } from '../keys/jwks.client';

/** JWKS downloads counted by result (`modified`, `not_modified` or the failure code) and traced as `jwks.fetch`. */
export function observedJwksFetcher(fetcher: JwksFetcher, metrics: GuardMetrics): JwksFetcher {
  return {
    fetch: (etag?: string): Promise<JwksFetchResult> =>
      traced('jwks.fetch', { 'jwks.conditional': etag !== undefined }, async (span) => {
        try {
          const result = await fetcher.fetch(etag);
          const outcome = result.modified ? 'modified' : 'not_modified';
          metrics.countJwksFetch(outcome);
          span?.setAttribute('jwks.result', outcome);
          if (result.modified) span?.setAttribute('jwks.keys', result.keys.size);
          return result;
        } catch (error) {
          const code = (error as { code?: unknown })?.code;
          metrics.countJwksFetch(typeof code === 'string' && /^ERR_[A-Z_]{1,40}$/.test(code) ? code : 'ERR_UNKNOWN');
          throw error;
        }
      }),
  };
}
