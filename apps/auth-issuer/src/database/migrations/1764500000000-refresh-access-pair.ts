import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each refresh token remembers the access token issued with it, so rotating it can deny that access token. */
export class RefreshAccessPair1764500000000 implements MigrationInterface {
  name = 'RefreshAccessPair1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE refresh_tokens ADD COLUMN access_jti text NULL, ADD COLUMN access_expires_at timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE refresh_tokens DROP COLUMN access_expires_at, DROP COLUMN access_jti`);
  }
}
