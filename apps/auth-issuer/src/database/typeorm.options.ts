import { DataSourceOptions } from 'typeorm';
import { DatabaseConnectionConfig, DEFAULT_DATABASE_CONNECTION, pgSslOption } from '../config/database.config';
import { UserEntity } from '../users/user.entity';
import { SigningKeyEntity } from '../keys/store/signing-key.entity';
import { RefreshTokenEntity } from '../refresh/refresh-token.entity';
import { InitialSchema1764150000000 } from './migrations/1764150000000-initial-schema';
import { AuditEvents1764150100000 } from './migrations/1764150100000-audit-events';
import { KeyLifecycle1764200000000 } from './migrations/1764200000000-key-lifecycle';
import { DurableRevocations1764400000000 } from './migrations/1764400000000-durable-revocations';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { ClientEntity } from '../clients/client.entity';
import { Clients1764300000000 } from './migrations/1764300000000-clients';
import { RefreshAccessPair1764500000000 } from './migrations/1764500000000-refresh-access-pair';
import { ClientExchangePolicy1764613000000 } from './migrations/1764613000000-client-exchange-policy';
import { OidcCodeFlow1764610000000 } from './migrations/1764610000000-oidc-code-flow';
import { ClientSecretHashAlg1764700000000 } from './migrations/1764700000000-client-secret-hash-alg';
import { SsoSessionEntity, SsoSessionGrantEntity } from '../oidc/sessions/sso-session.entity';
import { AuthorizationCodeEntity } from '../oidc/codes/authorization-code.entity';
import { ConsentEntity } from '../oidc/consent/consent.entity';
import { OidcConsentBackchannel1764620000000 } from './migrations/1764620000000-oidc-consent-backchannel';

const ENTITIES = [
  UserEntity,
  SigningKeyEntity,
  RefreshTokenEntity,
  AuditEventEntity,
  ClientEntity,
  SsoSessionEntity,
  SsoSessionGrantEntity,
  AuthorizationCodeEntity,
  ConsentEntity,
];
const MIGRATIONS = [
  InitialSchema1764150000000,
  AuditEvents1764150100000,
  KeyLifecycle1764200000000,
  Clients1764300000000,
  DurableRevocations1764400000000,
  RefreshAccessPair1764500000000,
  OidcCodeFlow1764610000000,
  ClientExchangePolicy1764613000000,
  OidcConsentBackchannel1764620000000,
  ClientSecretHashAlg1764700000000,
];

/** Schema changes only through committed migrations, run at start; never synchronize. */
export function typeOrmOptions(databaseUrl: string, connection: DatabaseConnectionConfig = DEFAULT_DATABASE_CONNECTION): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Run by runMigrations() under an advisory lock, so replicas starting together do not race.
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    ssl: pgSslOption(connection),
    // Bounded waits so a stalled database yields a 503, not a hung request. A session whose client vanished
    // without a word (a partition ate its FIN) is ended by the server after 10 s idle in a transaction, instead
    // of holding its locks (the cluster-wide key lock among them) until TCP keepalive, hours later. The client-side
    // query timeout trails the server's statement timeout, so the server's cleaner cancel normally wins.
    extra: {
      max: connection.poolSize,
      connectionTimeoutMillis: 3000,
      statement_timeout: connection.statementTimeoutMs,
      query_timeout: connection.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: 10_000,
    },
  };
}
