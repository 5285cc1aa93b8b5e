import { MigrationInterface, QueryRunner } from 'typeorm';

/** Token exchange policy per client (RFC 8693): toward which audiences, with which scopes. Empty: no exchange. */
export class ClientExchangePolicy1764613000000 implements MigrationInterface {
  name = 'ClientExchangePolicy1764613000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE clients
        ADD COLUMN exchange_audiences text[] NOT NULL DEFAULT '{}',
        ADD COLUMN exchange_scopes text[] NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN exchange_audiences, DROP COLUMN exchange_scopes`);
  }
}
