import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect consent and back-channel logout: what each user allowed each non-first-party client (one row
 * per user and client; its scopes only grow), and where a client receives logout tokens (OpenID Back-Channel
 * Logout 1.0), null for none.
 */
export class OidcConsentBackchannel1764620000000 implements MigrationInterface {
  name = 'OidcConsentBackchannel1764620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oidc_consents (
        subject text NOT NULL,
        client_id text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        scopes text[] NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject, client_id)
      )`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN backchannel_logout_uri text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN backchannel_logout_uri`);
    await queryRunner.query(`DROP TABLE oidc_consents`);
  }
}
