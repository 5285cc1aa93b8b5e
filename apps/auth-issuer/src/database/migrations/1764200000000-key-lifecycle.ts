import { MigrationInterface, QueryRunner } from 'typeorm';

/** Emergency revocation is recorded apart from ordinary removal; the database enforces the lifecycle's invariants. */
export class KeyLifecycle1764200000000 implements MigrationInterface {
  name = 'KeyLifecycle1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE signing_keys ADD COLUMN revoked_at timestamptz`);
    // At most one next key: rotation always knows which key it promotes.
    await queryRunner.query(`CREATE UNIQUE INDEX signing_keys_one_pending ON signing_keys ((true)) WHERE state = 'pending'`);
    // A removed key keeps no private half, whatever code path removed it.
    await queryRunner.query(`UPDATE signing_keys SET private_key_encrypted = NULL WHERE state = 'removed'`);
    await queryRunner.query(
      `ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_removed_without_private CHECK (state <> 'removed' OR private_key_encrypted IS NULL)`,
    );
    await queryRunner.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_origin CHECK (origin IN ('generated', 'imported'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_origin`);
    await queryRunner.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_removed_without_private`);
    await queryRunner.query(`DROP INDEX signing_keys_one_pending`);
    await queryRunner.query(`ALTER TABLE signing_keys DROP COLUMN revoked_at`);
  }
}
