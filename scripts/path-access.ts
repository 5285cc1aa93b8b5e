import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The identity PostgreSQL runs as. Spawned with uid/gid set, it has no supplementary groups. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The first directory on the way to `path` (its parents, not `path` itself) that `user` may not
 * search, or undefined when every one is open to it. Mode bits only, the way a 700 home denies it.
 */
export function firstBlockedParent(path: string, user: RunAs): string | undefined {
  const parents: string[] = [];
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    parents.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  return parents.find((dir) => !canSearch(dir, user));
}

function canSearch(dir: string, user: RunAs): boolean {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    return true; // not there yet: whoever creates it decides its mode
  }
  if (user.uid === 0) return true;
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (stat.gid === user.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}
