import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { issuerOwnAudiences } from '@app/contract';
import { ConfigError, readUrl } from '@app/platform';
import { AuditLog } from '../audit/audit-log.service';
import { ClientsService } from '../clients/clients.service';
import { runMigrations } from '../database/run-migrations';
import { typeOrmOptions } from '../database/typeorm.options';
import { loadDatabaseConnectionConfig } from '../config/database.config';
import { IssuerError } from '../errors/issuer.error';
import { ClientSecretHasher } from '../clients/client-secret.hasher';
import { PasswordHasher } from '../users/password.hasher';
import { startFailureLine, StartError } from '../../../../scripts/start-error';
import { type CliDatabase, openCliDatabase } from './cli-database';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
}

const USAGE =
  'usage: clients:create --id <client-id> --audiences <aud>[,<aud>...] [--scopes <scope>[,<scope>...]] [--secret-stdin]\n' +
  '       [--type confidential|public] [--redirect-uris <uri>[,<uri>...]] [--post-logout-uris <uri>[,<uri>...]] [--first-party]\n' +
  '       [--backchannel-logout-uri <uri>]\n' +
  '       [--exchange-audiences <aud>[,<aud>...] [--exchange-scopes <scope>[,<scope>...]]]';

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
  type: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  firstParty: boolean;
  backchannelLogoutUri?: string;
}

/**
 * Registers a client. Code-flow clients (OpenID Connect sign-in) add `--redirect-uris` (exact), optional
 * `--post-logout-uris`, `--type public` for a browser app without a secret, `--first-party` to skip consent, and
 * `--backchannel-logout-uri` to receive OpenID Back-Channel Logout tokens when a session it took part in ends.
 * A confidential client: The secret is generated (256 bits) and printed once, or read from
 * stdin (`--secret-stdin`, never echoed); only a hash is stored: argon2id, which the issuer replaces with its
 * keyed hash (HMAC-SHA-256) on the first use of a generated secret; an operator-chosen secret keeps argon2id. ISSUER_URL must be the
 * issuer's (default http://localhost:3000): its own audiences are refused. Exit codes: 0 created,
 * 1 refused or failed, 2 usage. `--exchange-audiences` (and `--exchange-scopes`) let the client exchange
 * user tokens sent to it for tokens toward those services (RFC 8693, docs/token-exchange.md).
 *
 * @example
 * npm run clients:create -- --id orders-to-billing --scopes invoices:read --audiences billing-api
 * npm run clients:create -- --id orders-api --audiences billing-api --exchange-audiences billing-api --exchange-scopes invoices:read
 * npm run clients:create -- --id dashboard --type public --first-party --audiences orders-api,billing-api \
 *   --redirect-uris https://dash.example.com/callback --post-logout-uris https://dash.example.com/
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
    const isPublic = parsed.type === 'public';
    if (isPublic && parsed.secretFromStdin) throw new IssuerError('invalid_request', 'a public client has no secret');
    const secret = isPublic ? undefined : parsed.secretFromStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : randomBytes(32).toString('base64url');
    const connection = loadDatabaseConnectionConfig(env);
    database = await openCliDatabase(env);
    const url = database.url;
    await runMigrations(url, connection);
    dataSource = await new DataSource({ ...typeOrmOptions(url, connection), logging: ['error'] }).initialize();
    Logger.overrideLogger(['error', 'warn']);
    // No KEY_ENCRYPTION_KEY here: a generated secret is stored with argon2id and the issuer moves it to its keyed hash on first use.
    const clients = new ClientsService(dataSource, new ClientSecretHasher(new PasswordHasher()), new AuditLog(dataSource));
    const registration = {
      clientId: parsed.id,
      secret,
      secretGenerated: !parsed.secretFromStdin,
      scopes: parsed.scopes,
      audiences: parsed.audiences,
      type: parsed.type as 'public' | 'confidential',
      redirectUris: parsed.redirectUris,
      postLogoutRedirectUris: parsed.postLogoutRedirectUris,
      firstParty: parsed.firstParty,
      backchannelLogoutUri: parsed.backchannelLogoutUri,
      exchangeAudiences: parsed.exchangeAudiences,
      exchangeScopes: parsed.exchangeScopes,
    };
    const client = await clients.create(registration, reserved);
    const shown = parsed.secretFromStdin || isPublic ? {} : { client_secret: secret };
    const codeFlow = client.redirectUris.length
      ? {
          client_type: client.clientType,
          redirect_uris: client.redirectUris,
          post_logout_redirect_uris: client.postLogoutRedirectUris,
          first_party: client.firstParty,
          ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri } : {}),
        }
      : {};
    const exchange = client.exchangeAudiences.length ? { exchange_audiences: client.exchangeAudiences, exchange_scopes: client.exchangeScopes } : {};
    io.out(
      JSON.stringify({ client_id: client.clientId, ...shown, scopes: client.allowedScopes, audiences: client.allowedAudiences, ...codeFlow, ...exchange }),
    );
    if (!parsed.secretFromStdin && !isPublic) io.err('Store the client_secret now: it is not shown again and only its hash is kept.');
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
  let firstParty = false;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === '--secret-stdin' && inline === undefined) {
      secretFromStdin = true;
      continue;
    }
    if (flag === '--first-party' && inline === undefined) {
      firstParty = true;
      continue;
    }
    if (
      ![
        '--id',
        '--scopes',
        '--audiences',
        '--type',
        '--redirect-uris',
        '--post-logout-uris',
        '--exchange-audiences',
        '--exchange-scopes',
        '--backchannel-logout-uri',
      ].includes(flag)
    )
      return `unknown argument ${args[i]}`;
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
  const type = values.get('--type') ?? 'confidential';
  if (type !== 'public' && type !== 'confidential') return '--type must be public or confidential';
  return {
    id,
    scopes: list(values.get('--scopes')),
    audiences: list(audiences),
    exchangeAudiences: list(values.get('--exchange-audiences')),
    exchangeScopes: list(values.get('--exchange-scopes')),
    secretFromStdin,
    type,
    redirectUris: list(values.get('--redirect-uris')),
    postLogoutRedirectUris: list(values.get('--post-logout-uris')),
    firstParty,
    backchannelLogoutUri: values.get('--backchannel-logout-uri'),
  };
}
