import { Controller, Get, Headers, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ISSUER_PATHS } from '@app/contract';
import { Public } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { SigningKeysService } from '../ring/signing-keys.service';

/**
 * The JWKS from memory. Its max-age (JWKS_MAX_AGE) is kept below the pending-key lead time by config
 * validation, so a verifier honouring it always learns a key before that key signs.
 */
@Controller()
export class JwksController {
  private readonly cacheControl: string;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
  ) {
    this.cacheControl = `public, max-age=${config.keys.jwksMaxAgeSeconds}`;
  }

  @Public()
  @Get(ISSUER_PATHS.jwks)
  @HttpCode(200)
  jwks(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): void {
    const etag = this.keys.jwksEtag();
    reply.header('cache-control', this.cacheControl).header('etag', etag);
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
      reply.code(304).send();
      return;
    }
    reply.header('content-type', 'application/jwk-set+json; charset=utf-8').send(this.keys.current().jwksBody);
  }
}
