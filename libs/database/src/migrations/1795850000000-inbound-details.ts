import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an inbound message carried (media, location, reaction; contact cards, interactive replies and the rest in
 * `content`), the sender's profile name, and the indexes its listings use: the workspace's inbound messages newest
 * first, by sender number, and a contact's (its conversation and counts per channel).
 */
export class InboundDetails1795850000000 implements MigrationInterface {
  name = 'InboundDetails1795850000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbound_messages" ADD "profile_name" character varying(256)`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" ADD "media" jsonb`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" ADD "location" jsonb`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" ADD "reaction" jsonb`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" ADD "content" jsonb`);
    await queryRunner.query(
      `CREATE INDEX "idx_inbound_messages_contact_received" ON "inbound_messages" ("contact_id", "received_at", "id") WHERE contact_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "idx_inbound_messages_from_received" ON "inbound_messages" ("workspace_id", "from_number", "received_at", "id")`);
    await queryRunner.query(`CREATE INDEX "idx_inbound_messages_workspace_received" ON "inbound_messages" ("workspace_id", "received_at", "id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_inbound_messages_workspace_received"`);
    await queryRunner.query(`DROP INDEX "public"."idx_inbound_messages_from_received"`);
    await queryRunner.query(`DROP INDEX "public"."idx_inbound_messages_contact_received"`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" DROP COLUMN "content"`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" DROP COLUMN "reaction"`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" DROP COLUMN "location"`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" DROP COLUMN "media"`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" DROP COLUMN "profile_name"`);
  }
}
