import { execFileSync } from 'node:child_process';
import type { RunAs } from './path-access';
import { StartError } from './start-error';

/**
 * PostgreSQL refuses to run as root, so as root it runs as this system user, created if missing
 * (no home, no login shell). Not root: undefined, and PostgreSQL runs as whoever we are.
 */
export function postgresRunAs(name = 'postgres'): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookup(name);
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    throw new StartError(
      `cannot create the system user ${name} to run PostgreSQL as (${detail})`,
      `create it (useradd --system ${name}), run as a non-root user, or set DATABASE_URL`,
    );
  }
  const created = lookup(name);
  if (!created) throw new StartError(`the system user ${name} was created but cannot be looked up`, `check /etc/passwd, or set DATABASE_URL`);
  return created;
}

function lookup(name: string): RunAs | undefined {
  try {
    const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, name], { stdio: 'pipe' }).toString(), 10);
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}
