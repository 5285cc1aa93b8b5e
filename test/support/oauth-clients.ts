import { clientsCreate } from '../../apps/auth-issuer/src/cli/clients-create.command';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs the operator's `clients:create` command in-process against a test database. */
export async function runClientsCreate(databaseUrl: string, args: string[], stdin = ''): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await clientsCreate(args, { DATABASE_URL: databaseUrl }, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin });
  return { code, out, err };
}

/** Registers a client with a generated secret and returns its credentials. */
export async function createClient(databaseUrl: string, id: string, scopes: string, audiences: string): Promise<{ id: string; secret: string }> {
  const run = await runClientsCreate(databaseUrl, ['--id', id, '--scopes', scopes, '--audiences', audiences]);
  if (run.code !== 0) throw new Error(`clients:create ${id} -> ${run.code} ${run.err.join(' ')}`);
  return { id, secret: JSON.parse(run.out[0]).client_secret };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding. */
export function basic(id: string, secret: string): Record<string, string> {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return { authorization: `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}` };
}
