import { Body, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser } from '@app/auth-guard';
import { AdminController } from '../../admin/admin-api.decorator';
import type { KeyActor } from '../lifecycle/key-change.transaction';
import { parseImportKeyRequest } from '../material/key-import.parser';
import { ImportResult, KeyImportService } from '../lifecycle/key-import.service';
import { KeyRotationService, RotationResult } from '../lifecycle/key-rotation.service';
import { KeyListing, listKeys } from './key-listing';
import { SigningKeyStore } from '../store/signing-key.store';

const actor = (claims: AccessTokenClaims): KeyActor => ({ subject: claims.sub, via: 'api' });

@AdminController('keys')
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

  /** The pre-published next key signs from now on; 200 `{kid, retired_kid, published_seconds, prepublished}`. */
  @Post('rotate')
  @HttpCode(200)
  rotate(@CurrentUser() claims: AccessTokenClaims): Promise<RotationResult> {
    return this.rotation.rotateNow(actor(claims));
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
