import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { firstBlockedParent, type RunAs } from './path-access';
import { StartError } from './start-error';

/** The directory that holds copies and relocated clusters: ours (root) and closed to writes by others. */
export function ensureRootOwnedDir(dir: string, runAs: RunAs): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new StartError(`cannot create ${dir} (${(error as Error).message})`, 'set EMBEDDED_PG_ROOT_DIR to a directory root can write, or set DATABASE_URL');
  }
  const stat = statSync(dir);
  if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new StartError(
      `${dir} is not owned by root or is writable by others`,
      `chown root ${dir} && chmod 755 ${dir}, or set EMBEDDED_PG_ROOT_DIR elsewhere`,
    );
  }
  const blocked = firstBlockedParent(join(dir, 'x'), runAs);
  if (blocked) {
    throw new StartError(
      `user ${runAs.name} cannot enter ${blocked}, a parent of ${dir}`,
      'set EMBEDDED_PG_ROOT_DIR to a directory whose parents everyone may enter (default /var/lib/token-backbone)',
    );
  }
}
