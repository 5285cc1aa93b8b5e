import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Roles } from '@app/auth-guard';
import { KeyRotationService } from './key-rotation.service';
import { SigningKeyStore } from './signing-key.store';

@Controller('admin/keys')
@Roles('admin')
export class AdminKeysController {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly rotation: KeyRotationService,
  ) {}

  /** Key metadata only; private material never leaves the store. */
  @Get()
  async list() {
    const rows = await this.store.findAll();
    return {
      keys: rows.map((row) => ({
        kid: row.kid,
        alg: row.alg,
        state: row.state,
        origin: row.origin,
        created_at: row.createdAt,
        activate_after: row.activateAfter,
        activated_at: row.activatedAt,
        retired_at: row.retiredAt,
        remove_after: row.removeAfter,
        removed_at: row.removedAt,
      })),
    };
  }

  @Post('rotate')
  @HttpCode(200)
  rotate(): Promise<{ kid: string }> {
    return this.rotation.rotateNow();
  }
}
