import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { issuerOwnAudiences } from '@app/contract';
import { ConfigError, readUrl } from '@app/platform';
import { AuditLog } from '../audit/audit-log.service';
import { ClientsService } from '../clients/clients.service';
import { runMigrations } from '../database/run-migrations';
import { typeOrmOptions } from '../database/typeorm.options';
import { IssuerError } from '../errors/issuer.error';
import { PasswordHasher } from '../users/password.hasher';
import { startFailureLine, StartError } from '../../../../scripts/start-error';
import { type CliDatabase, openCliDatabase } from './cli-database';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
}

const USAGE =
  'usage: clients:create --id <client-id> --audiences <aud>[,<aud>...] [--scopes <scope>[,<scope>...]] [--exchange-audiences <aud>[,<aud>...] [--exchange-scopes <scope>[,<scope>...]]] [--secret-stdin]';

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

interface ClientsCreateArgs {
  id: string;
  scopes: string[];
  audiences: string[];
  exchangeAudiences: string[];
  exchangeScopes: string[];
  secretFromStdin: boolean;
}

/**
 * Registers a confidential client. The secret is generated (256 bits) and printed once, or read from
 * stdin (`--secret-stdin`, never echoed); only its argon2id hash is stored. ISSUER_URL must be the
 * issuer's (default http://localhost:3000): its own audiences are refused. Exit codes: 0 created,
 * 1 refused or failed, 2 usage. `--exchange-audiences` (and `--exchange-scopes`) let the client exchange
 * user tokens sent to it for tokens toward those services (RFC 8693, docs/token-exchange.md).
 *
 * @example
 * npm run clients:create -- --id orders-to-billing --scopes invoices:read --audiences billing-api
 * npm run clients:create -- --id orders-api --audiences billing-api --exchange-audiences billing-api --exchange-scopes invoices:read
 */
export async function clientsCreate(args: string[], env: NodeJS.ProcessEnv, io: CliIo = processIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`clients:create: ${parsed}`);
    io.err(USAGE);
    return 2;
  }
  let dataSource: DataSource | undefined;
  let database: CliDatabase | undefined;
  try {
    // The same ISSUER_URL as the issuer's: its own audiences are refused as client audiences.
    const reserved = issuerOwnAudiences(readUrl(env, 'ISSUER_URL', 'http://localhost:3000', ['http:', 'https:']));
    const secret = parsed.secretFromStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : randomBytes(32).toString('base64url');
    database = await openCliDatabase(env);
    const url = database.url;
    await runMigrations(url);
    dataSource = await new DataSource({ ...typeOrmOptions(url), logging: ['error'] }).initialize();
    Logger.overrideLogger(['error', 'warn']);
    const clients = new ClientsService(dataSource, new PasswordHasher(), new AuditLog(dataSource));
    const { exchangeAudiences, exchangeScopes } = parsed;
    const client = await clients.create({ clientId: parsed.id, secret, scopes: parsed.scopes, audiences: parsed.audiences, exchangeAudiences, exchangeScopes }, reserved);
    const shown = parsed.secretFromStdin ? {} : { client_secret: secret };
    const exchange = client.exchangeAudiences.length ? { exchange_audiences: client.exchangeAudiences, exchange_scopes: client.exchangeScopes } : {};
    io.out(JSON.stringify({ client_id: client.clientId, ...shown, scopes: client.allowedScopes, audiences: client.allowedAudiences, ...exchange }));
    if (!parsed.secretFromStdin) io.err('Store the client_secret now: it is not shown again and only its hash is kept.');
    return 0;
  } catch (error) {
    if (error instanceof IssuerError) io.err(`clients:create: ${error.code}: ${error.description}`);
    else if (error instanceof ConfigError) io.err(`config error: ${error.message}`);
    else if (error instanceof StartError) io.err(startFailureLine(error));
    else io.err(`clients:create failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await dataSource?.destroy();
    await database?.close();
  }
}

/** `--name value` or `--name=value`; lists split on commas and spaces. Returns a message on bad usage. */
function parseArgs(args: string[]): ClientsCreateArgs | string {
  const values = new Map<string, string>();
  let secretFromStdin = false;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === '--secret-stdin' && inline === undefined) {
      secretFromStdin = true;
      continue;
    }
    if (!['--id', '--scopes', '--audiences', '--exchange-audiences', '--exchange-scopes'].includes(flag)) return `unknown argument ${args[i]}`;
    const value = inline ?? args[++i];
    if (value === undefined) return `${flag} needs a value`;
    if (values.has(flag)) return `${flag} given twice`;
    values.set(flag, value);
  }
  const id = values.get('--id');
  const audiences = values.get('--audiences');
  if (!id) return '--id is required';
  if (!audiences) return '--audiences is required';
  const list = (value = '') => value.split(/[\s,]+/).filter(Boolean);
  return {
    id,
    scopes: list(values.get('--scopes')),
    audiences: list(audiences),
    exchangeAudiences: list(values.get('--exchange-audiences')),
    exchangeScopes: list(values.get('--exchange-scopes')),
    secretFromStdin,
  };
}
