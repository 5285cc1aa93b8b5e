import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764150000000 implements MigrationInterface {
  name = 'InitialSchema1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}',
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'active', 'retired', 'removed')),
        public_jwk jsonb NOT NULL,
        private_key_encrypted text,
        created_at timestamptz NOT NULL DEFAULT now(),
        activate_after timestamptz,
        activated_at timestamptz,
        retired_at timestamptz,
        remove_after timestamptz,
        removed_at timestamptz,
        origin text NOT NULL DEFAULT 'generated'
      )`);
    // Exactly one active key, enforced by the database rather than by careful code.
    await queryRunner.query(`CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE state = 'active'`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL UNIQUE,
        family_id uuid NOT NULL,
        subject text NOT NULL,
        client_id text,
        scope text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        spent_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_subject ON refresh_tokens (subject)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE signing_keys`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
