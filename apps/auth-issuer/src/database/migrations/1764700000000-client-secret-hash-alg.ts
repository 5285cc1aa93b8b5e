import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each client secret is hashed (ClientSecretHasher). Rows from before this migration hold argon2id hashes
 * of secrets of unknown origin: `argon2id-rehash`, moved to the keyed hash on their next successful
 * authentication. The default `argon2id` (kept) is the safe reading for any writer that does not say.
 */
export class ClientSecretHashAlg1764700000000 implements MigrationInterface {
  name = 'ClientSecretHashAlg1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE clients
        ADD COLUMN secret_hash_alg text NOT NULL DEFAULT 'argon2id'
          CHECK (secret_hash_alg IN ('argon2id', 'argon2id-rehash', 'hmac-sha256'))`);
    await queryRunner.query(`UPDATE clients SET secret_hash_alg = 'argon2id-rehash' WHERE secret_hash LIKE '$argon2id$%'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Keyed hashes cannot be turned back into argon2id: those clients need a new secret after a downgrade.
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN secret_hash_alg`);
  }
}
