import { DataSource } from 'typeorm';
import { typeOrmOptions } from './typeorm.options';
import { DatabaseConnectionConfig } from '../config/database.config';

const MIGRATION_LOCK = 72_410_001;

/** Applies pending migrations once, even when several issuer replicas start at the same moment. */
export async function runMigrations(databaseUrl: string, connection?: DatabaseConnectionConfig): Promise<void> {
  const dataSource = new DataSource({ ...typeOrmOptions(databaseUrl, connection), logging: ['error'] });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
