import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { IssuerError } from '../../errors/issuer.error';
import { AUTHORIZATION_CODE_TTL_SECONDS } from '../oidc.constants';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { verifiesS256 } from './pkce';

const CODE = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (code: string) => createHash('sha256').update(code, 'utf8').digest('base64url');
const INVALID = 'authorization code is invalid, expired or already used';

export type NewAuthorizationCode = Omit<AuthorizationCodeEntity, 'codeHash' | 'expiresAt' | 'redeemedAt' | 'grantId'>;

export interface CodePresentation {
  code: string;
  clientId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
}

/** A redemption either minted, or was refused after spending the code; a replay names the earlier grant to revoke. */
export type Redemption<T> = { kind: 'minted'; result: T } | { kind: 'refused'; revokeGrant: string | null };

/**
 * Authorization codes: 256 random bits, stored as SHA-256, used once within AUTHORIZATION_CODE_TTL_SECONDS,
 * redeemable only by their client, with their redirect URI and their PKCE verifier.
 */
@Injectable()
export class AuthorizationCodesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(grant: NewAuthorizationCode): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + AUTHORIZATION_CODE_TTL_SECONDS * 1000);
    const repository = this.dataSource.getRepository(AuthorizationCodeEntity);
    // Expired codes are of no use to anyone; trimming here keeps the table small without a scheduler.
    await repository.delete({ expiresAt: LessThan(new Date(Date.now() - 3600_000)) });
    await repository.insert({ ...grant, codeHash: hashOf(code), expiresAt, redeemedAt: null, grantId: null });
    return code;
  }

  /**
   * Redeems a code under its row lock, so of two concurrent redemptions exactly one runs `mint`; the other
   * waits, then sees the code spent (a replay). `mint` runs inside the transaction and returns the grant id it
   * made, recorded so a later replay can revoke it. A wrong verifier or redirect URI spends the code too: an
   * intercepted code gets one guess. A code of another client is refused and left alone.
   */
  async redeem<T>(
    presented: CodePresentation,
    mint: (code: AuthorizationCodeEntity, manager: EntityManager) => Promise<{ grantId: string; result: T }>,
  ): Promise<Redemption<T>> {
    if (!CODE.test(presented.code)) throw new IssuerError('invalid_grant', INVALID);
    return this.dataSource.transaction(async (manager): Promise<Redemption<T>> => {
      const code = await manager.findOne(AuthorizationCodeEntity, { where: { codeHash: hashOf(presented.code) }, lock: { mode: 'pessimistic_write' } });
      if (!code || code.clientId !== presented.clientId) throw new IssuerError('invalid_grant', INVALID);
      if (code.redeemedAt) return { kind: 'refused', revokeGrant: code.grantId };
      const spend = (grantId: string | null) => manager.update(AuthorizationCodeEntity, { codeHash: code.codeHash }, { redeemedAt: new Date(), grantId });
      if (code.expiresAt.getTime() <= Date.now()) throw new IssuerError('invalid_grant', INVALID);
      if (presented.redirectUri !== code.redirectUri || presented.codeVerifier === undefined || !verifiesS256(presented.codeVerifier, code.codeChallenge)) {
        await spend(null);
        return { kind: 'refused', revokeGrant: null };
      }
      const minted = await mint(code, manager);
      await spend(minted.grantId);
      return { kind: 'minted', result: minted.result };
    });
  }
}
