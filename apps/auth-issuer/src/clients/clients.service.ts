import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { IssuerError } from '../errors/issuer.error';
import { ClientCache } from './client-cache';
import { ClientSecretHasher, type StoredSecret } from './client-secret.hasher';
import { ClientEntity } from './client.entity';
import { assertValidNewClient, isValidClientId, MAX_CLIENT_SECRET_BYTES, NewClient } from './client.rules';

export interface ClientCredentials {
  clientId: string;
  secret: string;
}

/** Registered confidential clients: registration (operator CLI) and authentication (token endpoints). */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger('Clients');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: ClientSecretHasher,
    private readonly audit: AuditLog,
    // Absent in the CLI, which only registers clients.
    @Optional() private readonly cache?: ClientCache,
  ) {}

  /** `reservedAudiences`: the issuer's own audiences (issuerOwnAudiences), which no client may hold. */
  async create(client: NewClient, reservedAudiences: readonly string[]): Promise<ClientEntity> {
    assertValidNewClient(client, reservedAudiences);
    const repository = this.dataSource.getRepository(ClientEntity);
    if (await repository.existsBy({ clientId: client.clientId })) throw new IssuerError('conflict', `client ${client.clientId} exists`);
    const stored = client.secret === undefined ? { secretHash: null } : await this.hasher.hash(client.secret, client.secretGenerated ?? false);
    const entity = repository.create({
      clientId: client.clientId,
      ...stored,
      clientType: client.type ?? 'confidential',
      allowedScopes: [...new Set(client.scopes)],
      allowedAudiences: [...new Set(client.audiences)],
      redirectUris: [...new Set(client.redirectUris ?? [])],
      postLogoutRedirectUris: [...new Set(client.postLogoutRedirectUris ?? [])],
      firstParty: client.firstParty ?? false,
      backchannelLogoutUri: client.backchannelLogoutUri ?? null,
      exchangeAudiences: [...new Set(client.exchangeAudiences ?? [])],
      exchangeScopes: [...new Set(client.exchangeScopes ?? [])],
    });
    await repository.insert(entity);
    await this.audit.record('client_created', null, {
      client_id: client.clientId,
      type: entity.clientType,
      scopes: entity.allowedScopes.join(' '),
      audiences: entity.allowedAudiences.join(' '),
      redirect_uris: entity.redirectUris.join(' '),
      backchannel_logout_uri: entity.backchannelLogoutUri ?? undefined,
      exchange_audiences: entity.exchangeAudiences.join(' '),
      exchange_scopes: entity.exchangeScopes.join(' '),
    });
    return entity;
  }

  /**
   * The enabled client these credentials prove, or `invalid_client`. Unknown, disabled and wrong-secret
   * take the same path (one secret check each, against a decoy when unknown) and the same error. A secret
   * still under argon2id that may move to the keyed hash is moved on its first success.
   */
  async authenticate({ clientId, secret }: ClientCredentials): Promise<ClientEntity> {
    const plausible = isValidClientId(clientId) && Buffer.byteLength(secret, 'utf8') <= MAX_CLIENT_SECRET_BYTES;
    const client = plausible ? await this.find(clientId) : null;
    // A public client has no secret: the decoy hash runs, and any secret it presents fails.
    const check = await this.hasher.verify(client ?? undefined, plausible ? secret : '');
    if (!client || !check.ok || client.disabled) {
      const reason = !client ? 'unknown_client' : client.disabled ? 'disabled' : 'bad_secret';
      await this.audit.record('client_auth_failure', null, { client_id: plausible ? clientId : null, reason });
      throw new IssuerError('invalid_client', 'client authentication failed');
    }
    if (check.rehash) await this.rehash(client, check.rehash);
    return client;
  }

  /**
   * A client that names itself without a secret (auth method `none`): the registered public client of that
   * name, undefined for an unregistered name, `invalid_client` for a confidential client (it must authenticate).
   */
  async publicClient(clientId: string): Promise<ClientEntity | undefined> {
    if (!isValidClientId(clientId)) return undefined;
    const client = await this.find(clientId);
    if (!client) return undefined;
    if (client.clientType === 'public' && !client.disabled) return client;
    await this.audit.record('client_auth_failure', null, { client_id: clientId, reason: client.disabled ? 'disabled' : 'no_secret' });
    throw new IssuerError('invalid_client', 'this client must authenticate');
  }

  /** The client's row, through the cache (CLIENT_CACHE_TTL) when there is one. */
  private find(clientId: string): Promise<ClientEntity | null> {
    const load = () => this.dataSource.getRepository(ClientEntity).findOneBy({ clientId });
    return this.cache ? this.cache.get(clientId, load) : load();
  }

  /**
   * Replaces the argon2id hash that just verified, only if it is still the stored one: of two concurrent
   * first authentications one writes (both hashes are of the same secret, so either is right). Failing to
   * write costs only speed: the argon2id hash stays valid and is tried again next time.
   */
  private async rehash(client: ClientEntity, next: StoredSecret & { secretHash: string }): Promise<void> {
    await this.dataSource
      .getRepository(ClientEntity)
      .update({ clientId: client.clientId, secretHash: client.secretHash ?? undefined, secretHashAlg: 'argon2id-rehash' }, next)
      .then(() => this.cache?.forget(client.clientId))
      .catch((error) => this.logger.warn(`client ${client.clientId}: secret hash not upgraded: ${error instanceof Error ? error.message : String(error)}`));
  }
}
