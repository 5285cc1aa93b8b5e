/**
 * Heap taken by the guard's revocation replica per million entries (denied jtis, as logout writes them).
 *   node --expose-gc dist/bench/replica-memory.js [entries=1000000]
 */
import { randomBytes } from 'node:crypto';
import { RevocationReplica } from '../libs/auth-guard/src/revocation/revocation.replica';

const entries = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
// Ids made first, so the figure counts what the replica holds (the ids themselves are its data too: counted below).
const ids = Array.from({ length: entries }, () => randomBytes(16).toString('base64url'));
gc();
const before = process.memoryUsage().heapUsed;
const replica = new RevocationReplica();
const expiresAt = Date.now() + 900_000;
for (const id of ids) replica.add({ kind: 'jti', id, expiresAt });
gc();
const maps = process.memoryUsage().heapUsed - before;
const idBytes = ids.reduce((sum, id) => sum + 16 + Math.ceil(id.length / 8) * 8, 0);
console.log(
  JSON.stringify({
    entries: replica.size,
    mapMb: +(maps / 2 ** 20).toFixed(1),
    idStringsMb: +(idBytes / 2 ** 20).toFixed(1),
    totalMbPerMillion: +(((maps + idBytes) / 2 ** 20) * (1_000_000 / entries)).toFixed(1),
  }),
);
