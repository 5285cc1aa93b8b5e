import { Controller, Get, Headers, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ISSUER_PATHS } from '@app/contract';
import { Public } from '@app/auth-guard';
import { SigningKeysService } from './signing-keys.service';

/** Kept below the pending-key lead time, so verifiers always learn a key before it signs. */
export const JWKS_MAX_AGE_SECONDS = 300;

@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Public()
  @Get(ISSUER_PATHS.jwks)
  @HttpCode(200)
  jwks(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): void {
    const etag = this.keys.jwksEtag();
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).header('etag', etag);
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
      reply.code(304).send();
      return;
    }
    reply.header('content-type', 'application/jwk-set+json; charset=utf-8').send(this.keys.current().jwksBody);
  }
}
