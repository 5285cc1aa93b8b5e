import { isRedisDescription, type RedisClient } from '@app/platform';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, redisKeys, REVOCATION_TTL_MARGIN_SECONDS } from '@app/contract';
import { HS256, HS256_OPTIONS, HS256_REDIS } from './hs256.constants';
import { Hs256TokenVerifier } from './hs256-token.verifier';
import type { ResolvedHs256Options } from './hs256-tokens.options';
import { Hs256Error } from './hs256.error';

const STARTUP_REDIS_WAIT_MS = 2000;

/** What the caller decides about a token; iss, aud, iat, exp and jti are the service's. */
export interface Hs256Claims {
  sub: string;
  roles?: string[];
  scope?: string;
  client_id?: string;
  sid?: string;
}

/**
 * Signs this service's access tokens with the current secret (the first) and revokes them through the
 * same Redis denylist the guard reads (libs/contract keys), so logout works as with the issuer's tokens.
 */
@Injectable()
export class Hs256TokenService implements OnModuleInit, OnApplicationShutdown {
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(
    private readonly jwt: JwtService,
    private readonly verifier: Hs256TokenVerifier,
    @Inject(HS256_OPTIONS) private readonly options: ResolvedHs256Options,
    @Inject(HS256_REDIS) private readonly redis: RedisClient | null,
  ) {
    this.keys = redisKeys(options.redisPrefix);
  }

  sign(claims: Hs256Claims): string {
    const { sub, roles = [], scope = '', client_id: clientId, sid } = claims;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
      throw new Hs256Error('ERR_HS256_CLAIMS_INVALID', 'sub must be a string of 1-256 characters');
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) throw new Hs256Error('ERR_HS256_CLAIMS_INVALID', 'roles must be strings');
    if (typeof scope !== 'string') throw new Hs256Error('ERR_HS256_CLAIMS_INVALID', 'scope must be a string');
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: this.options.issuer,
      sub,
      aud: this.options.audience,
      iat: now,
      exp: now + this.options.ttlSeconds,
      jti: randomUUID(),
      roles,
      scope,
      ...(clientId === undefined ? {} : { client_id: clientId }),
      ...(sid === undefined ? {} : { sid }),
    };
    const current = this.options.secrets[0];
    return this.jwt.sign(payload, { secret: current.secret, algorithm: HS256, keyid: current.kid, header: { alg: HS256, typ: ACCESS_TOKEN_TYPE } });
  }

  /**
   * Logout: the token's jti goes on the denylist until it has expired plus the contract's margin. A token
   * string is verified first (a forged one never reaches Redis); claims are taken as verified (@CurrentUser()).
   */
  async revoke(token: string | Pick<AccessTokenClaims, 'jti' | 'exp'>): Promise<void> {
    if (!this.redis) throw new Hs256Error('ERR_HS256_NO_REDIS', 'Hs256TokensModule: revoke needs the redis option');
    const { jti, exp } = typeof token === 'string' ? await this.verifier.verify(token) : token;
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000) + REVOCATION_TTL_MARGIN_SECONDS);
    await this.redis.set(this.keys.deniedJti(jti), '1', 'EX', ttl);
  }

  /** Waits for the Redis connection, bounded: without it every request would answer 503 until it is up. */
  async onModuleInit(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready' || typeof redis.once !== 'function') return;
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), STARTUP_REDIS_WAIT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ready) new Logger('Hs256Tokens').warn('Redis not reachable yet; answering 503 until it is');
  }

  async onApplicationShutdown(): Promise<void> {
    // Only a client the module created from a URL is closed here; a passed-in client belongs to the app.
    if (this.redis && this.options.redis && isRedisDescription(this.options.redis)) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
