/**
 * Requests per second through a resource service, with and without the guard, against a running
 * system (`npm start`). Prints figures and the guard's cost as a ratio; asserts nothing.
 *
 *   npm run build && node dist/bench/http-throughput.js [seconds]
 *   ISSUER_URL=http://localhost:3000 SERVICE_URL=http://localhost:3001 (defaults)
 */
import autocannon from 'autocannon';

const issuer = process.env.ISSUER_URL ?? 'http://localhost:3000';
const service = process.env.SERVICE_URL ?? 'http://localhost:3001';
const seconds = Number(process.argv[2] ?? 8);

async function login(): Promise<string> {
  const response = await fetch(`${issuer}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function measure(title: string, url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: 32, duration: seconds, headers });
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${title.padEnd(34)} ${Math.round(result.requests.average).toString().padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  2xx ${ok}  other ${bad}`,
  );
  return result.requests.average;
}

async function main() {
  const token = await login();
  // The liveness route: no guard, no store, not even Nest (a plain Fastify route); /health asks PostgreSQL or Redis.
  const open = await measure('GET /health/live (no guard)', `${service}/health/live`);
  const guarded = await measure('GET /me (guard + revocation check)', `${service}/me`, { authorization: `Bearer ${token}` });
  const refused = await measure('GET /me (tampered token, 401)', `${service}/me`, { authorization: `Bearer ${token.slice(0, -4)}AAAA` });
  console.log(`guarded / open throughput ratio: ${(guarded / open).toFixed(2)}; refused / open: ${(refused / open).toFixed(2)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
