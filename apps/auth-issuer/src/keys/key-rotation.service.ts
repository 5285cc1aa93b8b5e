import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { RevocationWriter } from '../revocation/revocation.writer';
import { generateKeyPair } from './key-pair.factory';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeyStore } from './signing-key.store';
import { SigningKeysService } from './signing-keys.service';

/** Clock tolerance verifiers may apply; a retired key stays published this long past its last token. */
export const VERIFIER_CLOCK_TOLERANCE_SECONDS = 60;

/** Decides when keys change state. On-demand rotation: a new key signs now, the old one is retired. */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly keys: SigningKeysService,
    private readonly events: RevocationWriter,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly audit: AuditLog,
  ) {}

  async rotateNow(): Promise<{ kid: string }> {
    const kid = await this.store.withKeyLock(async (manager) => {
      const now = new Date();
      const removeAfter = new Date(now.getTime() + (this.config.accessTokenTtl + VERIFIER_CLOCK_TOLERANCE_SECONDS) * 1000);
      await manager.update(SigningKeyEntity, { state: 'active' }, { state: 'retired', retiredAt: now, removeAfter });
      const pair = await generateKeyPair(this.config.signingAlgorithm);
      await this.store.insert(manager, pair, 'active', now);
      return pair.kid;
    });
    await this.keys.reload();
    await this.events.publish({ type: 'keys-changed' });
    await this.audit.record('key_rotated', null, { kid });
    return { kid };
  }
}
