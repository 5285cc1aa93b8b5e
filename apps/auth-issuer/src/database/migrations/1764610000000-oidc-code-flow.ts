import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect code flow: clients gain a type (public ones have no secret), redirect and post-logout URIs
 * and a first-party flag; issuer SSO sessions, authorization codes (hashes only) and which token grants
 * each session produced (so logout can end them all).
 */
export class OidcCodeFlow1764610000000 implements MigrationInterface {
  name = 'OidcCodeFlow1764610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients ALTER COLUMN secret_hash DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE clients
        ADD COLUMN client_type text NOT NULL DEFAULT 'confidential' CHECK (client_type IN ('confidential', 'public')),
        ADD COLUMN redirect_uris text[] NOT NULL DEFAULT '{}',
        ADD COLUMN post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
        ADD COLUMN first_party boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT clients_secret_by_type CHECK ((client_type = 'public') = (secret_hash IS NULL))`);
    await queryRunner.query(`
      CREATE TABLE sso_sessions (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        subject text NOT NULL,
        auth_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX sso_sessions_subject ON sso_sessions (subject)`);
    await queryRunner.query(`
      CREATE TABLE authorization_codes (
        code_hash text PRIMARY KEY,
        client_id text NOT NULL,
        redirect_uri text NOT NULL,
        code_challenge text NOT NULL,
        subject text NOT NULL,
        session_id uuid NOT NULL,
        scope text NOT NULL,
        nonce text,
        auth_time timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        redeemed_at timestamptz,
        grant_id uuid
      )`);
    await queryRunner.query(`CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE sso_session_grants (
        session_id uuid NOT NULL,
        grant_id uuid NOT NULL,
        client_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, grant_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sso_session_grants`);
    await queryRunner.query(`DROP TABLE authorization_codes`);
    await queryRunner.query(`DROP TABLE sso_sessions`);
    await queryRunner.query(`DELETE FROM clients WHERE client_type = 'public'`);
    await queryRunner.query(`
      ALTER TABLE clients DROP CONSTRAINT clients_secret_by_type,
        DROP COLUMN client_type, DROP COLUMN redirect_uris, DROP COLUMN post_logout_redirect_uris, DROP COLUMN first_party`);
    await queryRunner.query(`ALTER TABLE clients ALTER COLUMN secret_hash SET NOT NULL`);
  }
}
