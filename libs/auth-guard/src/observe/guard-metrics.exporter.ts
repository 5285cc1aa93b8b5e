import { Counter, Histogram, type Registry } from 'prom-client';
import { setCounter } from '@app/platform';
import type { GuardMetrics } from '../guard/guard.metrics';

/** Outcomes the guard counts that are not refusals. */
const ACCEPTED = new Set(['accepted', 'revocation-fail-open']);

/**
 * Puts the guard's in-memory counters on an app's registry (read at scrape time, nothing on the request path):
 *
 * - `auth_guard_verifications_total{outcome, reason}`: outcome accepted | refused; reason the refusal code
 *   (ERR_TOKEN_EXPIRED, ERR_KID_UNKNOWN, ...), `none` when accepted, `fail_open` when revocation was unavailable on a fail-open route
 * - `auth_guard_verifications_by_kid_total{kid}`: key lookups by kid (`unknown` when the key set does not hold it)
 * - `auth_guard_jwks_fetches_total{result}`: modified | not_modified | an ERR_ code
 * - `auth_guard_key_events_total{type}`: key-change notices heard over Redis
 * - `auth_guard_revocation_checks_total{source}`: revocation checks answered by the local `replica` or by `redis`
 * - `auth_guard_revocation_lookup_seconds{result}`: revocation-store (Redis) latency (ok | revoked | unavailable)
 */
export function exportGuardMetrics(registry: Registry, metrics: GuardMetrics): void {
  new Counter({
    name: 'auth_guard_verifications_total',
    help: 'Access-token checks by outcome and refusal reason',
    labelNames: ['outcome', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, value] of Object.entries(metrics.snapshot())) {
        if (name.startsWith('event:')) continue;
        if (ACCEPTED.has(name)) this.inc({ outcome: 'accepted', reason: name === 'accepted' ? 'none' : 'fail_open' }, value);
        else this.inc({ outcome: 'refused', reason: name }, value);
      }
    },
  });
  new Counter({
    name: 'auth_guard_key_events_total',
    help: 'Key-change notices received from the issuer over Redis, by type',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      const events = Object.entries(metrics.snapshot()).filter(([name]) => name.startsWith('event:'));
      setCounter(this, Object.fromEntries(events.map(([name, value]) => [name.slice('event:'.length), value])), 'type');
    },
  });
  new Counter({
    name: 'auth_guard_verifications_by_kid_total',
    help: 'Access tokens presented, by the kid of their signing key (unknown: not in the key set)',
    labelNames: ['kid'],
    registers: [registry],
    collect() {
      setCounter(this, metrics.kidSnapshot(), 'kid');
    },
  });
  new Counter({
    name: 'auth_guard_jwks_fetches_total',
    help: 'JWKS downloads by result',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      setCounter(this, metrics.jwksSnapshot(), 'result');
    },
  });
  new Counter({
    name: 'auth_guard_revocation_checks_total',
    help: 'Revocation checks by where they were answered: the local replica (no round trip) or Redis',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      setCounter(this, metrics.revocationCheckSnapshot(), 'source');
    },
  });
  const latency = new Histogram({
    name: 'auth_guard_revocation_lookup_seconds',
    help: 'Revocation-store (Redis) lookup latency by result',
    labelNames: ['result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers: [registry],
  });
  metrics.onRevocationLookup((seconds, result) => latency.observe({ result }, seconds));
}
