import type { Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ClientEntity } from './client.entity';

/**
 * Inserts one of the contract's demo clients unless it exists. `row` is built only when needed (it hashes
 * a secret). A concurrent replica may win the insert; that is fine, so a failed insert is not an error.
 */
export async function seedDemoClient(
  repository: Repository<ClientEntity>,
  clientId: string,
  row: () => Promise<QueryDeepPartialEntity<ClientEntity>>,
  logger: Logger,
): Promise<void> {
  if (await repository.existsBy({ clientId })) return;
  const inserted = await repository.insert({ ...(await row()), clientId }).then(
    () => true,
    () => false,
  );
  if (inserted) logger.log(`seeded demo client ${clientId}`);
}
