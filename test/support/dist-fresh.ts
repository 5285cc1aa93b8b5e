import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE_DIRS = ['apps', 'libs', 'scripts', 'bench'];
let checked = false;

/**
 * Suites that run `node dist/...` test what was last built, not what is in the tree: a source file
 * saved after the last build (or with no compiled twin) fails them with one line naming the file and
 * the fix. The build's end is `dist/.build-stamp` (`npm run build` writes it): the compiler is
 * incremental and leaves unchanged outputs with their old times.
 */
export function assertDistFresh(root: string): void {
  if (checked) return;
  const stamp = join(root, 'dist', '.build-stamp');
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const stale: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const source of walk(join(root, dir))) {
      const built = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js');
      if (!existsSync(built) || statSync(source).mtimeMs > Math.max(builtAt, statSync(built).mtimeMs)) stale.push(relative(root, source));
    }
  }
  if (stale.length)
    throw new Error(
      `dist is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}: run \`npm run build\` (npm test does)`,
    );
  checked = true;
}

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* walk(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}
