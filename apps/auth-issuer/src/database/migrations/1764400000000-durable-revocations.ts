import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocations also live in PostgreSQL, so a Redis that restarts empty can be re-seeded. */
export class DurableRevocations1764400000000 implements MigrationInterface {
  name = 'DurableRevocations1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE revoked_tokens (
        jti text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE subject_cutoffs (
        subject text PRIMARY KEY,
        cutoff_at bigint NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX subject_cutoffs_expires_at ON subject_cutoffs (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE subject_cutoffs`);
    await queryRunner.query(`DROP TABLE revoked_tokens`);
  }
}
