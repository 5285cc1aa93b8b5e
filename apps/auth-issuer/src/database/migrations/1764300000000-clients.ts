import { MigrationInterface, QueryRunner } from 'typeorm';

/** Registered confidential clients (client_credentials, introspection). Only argon2id hashes of secrets. */
export class Clients1764300000000 implements MigrationInterface {
  name = 'Clients1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clients (
        client_id text PRIMARY KEY,
        secret_hash text NOT NULL,
        allowed_scopes text[] NOT NULL DEFAULT '{}',
        allowed_audiences text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled boolean NOT NULL DEFAULT false
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE clients`);
  }
}
