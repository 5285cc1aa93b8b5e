import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { processFaultCounts } from '../process-guards';

/**
 * One registry per app, never prom-client's global one: several apps in one process (npm start, tests)
 * each export their own series. Node process metrics and the process-guard fault counts are on it from the start.
 */
export function createAppRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  new Counter({
    name: 'process_faults_total',
    help: 'Errors that escaped a request (uncaught exceptions, unhandled rejections), caught by the process guard',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      setCounter(this, processFaultCounts());
    },
  });
  return registry;
}

/**
 * Sets a counter to absolute values read from an in-memory tally at scrape time: the hot path keeps its
 * plain Map increments and only a scrape pays for prom-client.
 */
export function setCounter<L extends string>(
  counter: Counter<L>,
  values: Record<string, number>,
  label: L = 'kind' as L,
  extra: Partial<Record<L, string>> = {},
): void {
  counter.reset();
  for (const [name, value] of Object.entries(values)) counter.inc({ ...extra, [label]: name } as Record<L, string>, value);
}
