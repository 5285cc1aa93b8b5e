import { Module } from '@nestjs/common';
import { RevocationJournal } from './revocation.journal';
import { RevocationReader } from './revocation.reader';
import { RevocationReseeder } from './revocation.reseeder';
import { RevocationWriter } from './revocation.writer';

/**
 * Revocations: journaled in PostgreSQL, served from Redis (the guards' denylist), re-seeded into Redis
 * whenever it lost them. Others write and read through RevocationWriter and RevocationReader only.
 */
@Module({
  providers: [RevocationJournal, RevocationWriter, RevocationReader, RevocationReseeder],
  exports: [RevocationWriter, RevocationReader],
})
export class RevocationModule {}
