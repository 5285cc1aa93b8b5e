import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { firstBlockedParent, type RunAs } from './path-access';
import { ensureRootOwnedDir } from './root-owned-dir';
import { StartError } from './start-error';

/**
 * Where the cluster's files live. Not root: `preferred` (.data/postgres). As root PostgreSQL runs
 * as `runAs`, which must enter every parent directory: `preferred` when it can, else a directory
 * under `rootDir` (root's 700 home is the usual reason). The choice is written once to
 * `<preferred>.location`, so later starts, the CLI and a moved checkout find the same data.
 */
export function placeCluster(preferred: string, runAs: RunAs | undefined, rootDir: string): string {
  if (!runAs) return preferred;
  const pointer = `${preferred}.location`;
  if (existsSync(pointer)) return readFileSync(pointer, 'utf8').trim();
  const blocked = firstBlockedParent(preferred, runAs);
  if (!blocked) return preferred;
  if (existsSync(join(preferred, 'PG_VERSION'))) {
    // An existing cluster is never moved for the operator: that is their data.
    throw new StartError(
      `user ${runAs.name} cannot enter ${blocked}, a parent of the cluster ${preferred}`,
      `chmod o+x ${blocked}, or move ${preferred} into EMBEDDED_PG_ROOT_DIR and write its path to ${pointer}`,
    );
  }
  ensureRootOwnedDir(rootDir, runAs);
  mkdirSync(dirname(preferred), { recursive: true });
  const id = createHash('sha256')
    .update(join(realpathSync(dirname(preferred)), basename(preferred)))
    .digest('hex')
    .slice(0, 16);
  const target = join(rootDir, `cluster-${id}`);
  writeFileSync(pointer, `${target}\n`, { mode: 0o644 });
  return target;
}
