import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEvents1764150100000 implements MigrationInterface {
  name = 'AuditEvents1764150100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        subject text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await queryRunner.query(`CREATE INDEX audit_events_at ON audit_events (at)`);
    await queryRunner.query(`CREATE INDEX audit_events_subject ON audit_events (subject)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
  }
}
