import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Roles } from '@app/auth-guard';
import { IssuerError } from '../errors/issuer.error';
import type { KeyActor } from './key-change.notifier';
import { parseImportKeyRequest } from './key-import.parser';
import { ImportResult, KeyImportService } from './key-import.service';
import { KeyRotationService, RotationResult } from './key-rotation.service';
import { KeyListing, listKeys } from './key-listing';
import { SigningKeyStore } from './signing-key.store';

const actor = (claims: AccessTokenClaims): KeyActor => ({ subject: claims.sub, via: 'api' });

@Controller('admin/keys')
@Roles('admin')
export class AdminKeysController {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly rotation: KeyRotationService,
    private readonly imports: KeyImportService,
  ) {}

  /** Key metadata only; private material never leaves the store. */
  @Get()
  async list(): Promise<{ keys: KeyListing[] }> {
    return { keys: listKeys(await this.store.findAll()) };
  }

  /** Body `{force?: boolean}`; 409 with Retry-After when the next key is too young to be known by verifiers. */
  @Post('rotate')
  @HttpCode(200)
  rotate(@Body() body: unknown, @CurrentUser() claims: AccessTokenClaims): Promise<RotationResult> {
    return this.rotation.rotateNow(actor(claims), { force: readForce(body) });
  }

  @Post('import')
  @HttpCode(201)
  import(@Body() body: unknown, @CurrentUser() claims: AccessTokenClaims): Promise<ImportResult> {
    return this.imports.import(parseImportKeyRequest(body), actor(claims));
  }

  /** Emergency: out of the JWKS now, private key destroyed, another key signs. */
  @Post(':kid/revoke')
  @HttpCode(200)
  revoke(@Param('kid') kid: string, @CurrentUser() claims: AccessTokenClaims): Promise<{ revoked: string; kid: string }> {
    return this.rotation.revoke(kid, actor(claims));
  }
}

function readForce(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return false;
  const force = typeof body === 'object' && !Array.isArray(body) ? (body as { force?: unknown }).force : 'invalid';
  if (force === undefined) return false;
  if (typeof force !== 'boolean') throw new IssuerError('invalid_request', 'force must be a boolean');
  return force;
}
