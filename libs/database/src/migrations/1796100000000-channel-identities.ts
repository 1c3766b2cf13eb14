import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messenger, Instagram and Telegram channels: a contact's identity on a channel (PSID, IGSID, chat id) in
 * `contact_identities`, contacts known only by such an identity (no number), and recipient columns wide enough
 * for those identities. Widening a varchar keeps every row and needs no rewrite.
 */
const PROVIDER_ID_COLUMNS = [
  ['messages', 'provider_message_id'],
  ['campaign_recipients', 'provider_message_id'],
  ['inbound_messages', 'provider_message_id'],
  ['inbound_messages', 'context_provider_message_id'],
] as const;

export class ChannelIdentities1796100000000 implements MigrationInterface {
  name = 'ChannelIdentities1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "contact_identities" ("channel_id" uuid NOT NULL, "identity" character varying(64) NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "source" character varying(16) NOT NULL, "unreachable_at" TIMESTAMP WITH TIME ZONE, "unreachable_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_eb74485e326fd5109e2eedccefd" PRIMARY KEY ("channel_id", "identity"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_contact_identities_contact" ON "contact_identities" ("contact_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_contact_identities_contact" ON "contact_identities" ("channel_id", "contact_id") `);
    await queryRunner.query(`ALTER TABLE "contacts" ALTER COLUMN "number" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "channels" ALTER COLUMN "display_phone_number" TYPE character varying(200)`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ALTER COLUMN "to_number" TYPE character varying(64)`);
    await queryRunner.query(`ALTER TABLE "messages" ALTER COLUMN "to_number" TYPE character varying(64)`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" ALTER COLUMN "from_number" TYPE character varying(64)`);
    // Instagram's message ids run past 128 characters.
    for (const [table, column] of PROVIDER_ID_COLUMNS) await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE character varying(256)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of PROVIDER_ID_COLUMNS) await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE character varying(128)`);
    await queryRunner.query(`ALTER TABLE "inbound_messages" ALTER COLUMN "from_number" TYPE character varying(16)`);
    await queryRunner.query(`ALTER TABLE "messages" ALTER COLUMN "to_number" TYPE character varying(16)`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ALTER COLUMN "to_number" TYPE character varying(16)`);
    await queryRunner.query(`ALTER TABLE "channels" ALTER COLUMN "display_phone_number" TYPE character varying(32)`);
    await queryRunner.query(`DELETE FROM "contacts" WHERE "number" IS NULL`);
    await queryRunner.query(`ALTER TABLE "contacts" ALTER COLUMN "number" SET NOT NULL`);
    await queryRunner.query(`DROP INDEX "public"."uq_contact_identities_contact"`);
    await queryRunner.query(`DROP INDEX "public"."idx_contact_identities_contact"`);
    await queryRunner.query(`DROP TABLE "contact_identities"`);
  }
}
