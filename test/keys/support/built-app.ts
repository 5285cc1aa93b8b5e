import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** Newest modification time of the TypeScript sources a built file depends on. */
function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  dirs.filter((dir) => existsSync(join(ROOT, dir))).forEach((dir) => walk(join(ROOT, dir)));
  return newest;
}

/** Path of a compiled entry point; fails loudly (never skips) when the build is missing or older than the sources. */
export function builtEntry(relative: string): string {
  const path = join(ROOT, 'dist', relative);
  let built: number;
  try {
    built = statSync(path).mtimeMs;
  } catch {
    throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  }
  if (newestSource(['apps', 'libs', 'bench']) > built) throw new Error(`${path} is older than the sources: run \`npm run build\``);
  return path;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled entry point to completion with `input` on stdin. */
export function runNode(entry: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
