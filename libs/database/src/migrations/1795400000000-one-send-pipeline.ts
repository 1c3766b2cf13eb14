import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One send pipeline for every send: the columns its checks and controls need (schedule, validity, category,
 * waiting reason, quiet hours, opt-out scope, the provider-read tier and marketing route), the marketing-send ledger of the frequency cap, and the per-channel
 * customer-service windows. `messages.request_id` widens to 128 in place (a `to` array's messages carry
 * `<requestId>/<number>`); the generated drop-and-add would have lost every stored request id.
 */

export class OneSendPipeline1795400000000 implements MigrationInterface {
  name = 'OneSendPipeline1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "contact_service_windows" ("channel_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "last_inbound_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8fd366aa0d8b0e8060b8e12470d" PRIMARY KEY ("channel_id", "contact_id"))`);
    await queryRunner.query(`CREATE TABLE "marketing_send_log" ("send_key" character varying(64) NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_023e6f87a8f83602e86eb45e2e3" PRIMARY KEY ("send_key"))`);
    await queryRunner.query(`CREATE INDEX "idx_marketing_send_log_contact" ON "marketing_send_log"  ("workspace_id", "contact_id", "sent_at") `);
    await queryRunner.query(`ALTER TABLE "workspaces" ADD "quiet_hours" jsonb`);
    // The tier ledger moves from one per channel to one per business account (its numbers share Meta's limit).
    await queryRunner.query(`CREATE TABLE "messaging_limit_log" ("waba_id" character varying(64) NOT NULL, "to_number" character varying(16) NOT NULL, "last_sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_bea2b96747483ddb1a568501ff8" PRIMARY KEY ("waba_id", "to_number"))`);
    await queryRunner.query(`CREATE INDEX "idx_messaging_limit_log_recent" ON "messaging_limit_log"  ("waba_id", "last_sent_at") `);
    await queryRunner.query(
      `INSERT INTO "messaging_limit_log" (waba_id, to_number, last_sent_at)
       SELECT c.waba_id, l.to_number, max(l.last_sent_at) FROM "channel_recipient_log" l JOIN "channels" c ON c.id = l.channel_id GROUP BY 1, 2`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_channel_recipient_log_recent"`);
    await queryRunner.query(`DROP TABLE "channel_recipient_log"`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "marketing_messages" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "limits_read_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "validity_seconds" integer`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "ignore_quiet_hours" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "waiting_reason" character varying(24)`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD "opt_out_scope" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "category" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "scheduled_for" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "not_before" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "waiting_reason" character varying(24)`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "validity_seconds" integer`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "ignore_quiet_hours" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "use_frequency_capping" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "skip_reason" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "messages" ALTER COLUMN "request_id" TYPE character varying(128)`);
    await queryRunner.query(`CREATE INDEX "idx_messages_waiting" ON "messages"  ("not_before") WHERE status IN ('scheduled', 'queued')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_messages_waiting"`);
    await queryRunner.query(`ALTER TABLE "messages" ALTER COLUMN "request_id" TYPE character varying(100)`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "skip_reason"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "use_frequency_capping"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "ignore_quiet_hours"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "expires_at"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "validity_seconds"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "waiting_reason"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "not_before"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "scheduled_for"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "category"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "opt_out_scope"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "waiting_reason"`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "ignore_quiet_hours"`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "validity_seconds"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "limits_read_at"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "marketing_messages"`);
    await queryRunner.query(`ALTER TABLE "workspaces" DROP COLUMN "quiet_hours"`);
    await queryRunner.query(
      `CREATE TABLE "channel_recipient_log" ("channel_id" uuid NOT NULL, "to_number" character varying(16) NOT NULL, "last_sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_43d49667cea49c3a504435c7116" PRIMARY KEY ("channel_id", "to_number"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_channel_recipient_log_recent" ON "channel_recipient_log"  ("channel_id", "last_sent_at")`);
    await queryRunner.query(
      `INSERT INTO "channel_recipient_log" (channel_id, to_number, last_sent_at)
       SELECT c.id, l.to_number, l.last_sent_at FROM "messaging_limit_log" l JOIN "channels" c ON c.waba_id = l.waba_id ON CONFLICT DO NOTHING`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_messaging_limit_log_recent"`);
    await queryRunner.query(`DROP TABLE "messaging_limit_log"`);
    await queryRunner.query(`DROP INDEX "public"."idx_marketing_send_log_contact"`);
    await queryRunner.query(`DROP TABLE "marketing_send_log"`);
    await queryRunner.query(`DROP TABLE "contact_service_windows"`);
  }
}
