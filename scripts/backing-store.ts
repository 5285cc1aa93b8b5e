import { isAbsolute, relative } from 'node:path';

/** A database or Redis the launcher chose: where apps connect, a line for the operator, and how to stop it. */
export interface BackingStore {
  url: string;
  /** Safe to print: never contains a password. */
  describe: string;
  stop(): Promise<void>;
}

/** A store someone else runs: we only connect to it, so stopping is not ours to do. */
export function externalStore(url: string, describe: string): BackingStore {
  return { url, describe, stop: async () => undefined };
}

/** Paths under the working directory print short (.data/postgres); anything else prints in full. */
export function displayPath(dir: string): string {
  const short = relative(process.cwd(), dir);
  return short && !short.startsWith('..') && !isAbsolute(short) ? short : dir;
}
