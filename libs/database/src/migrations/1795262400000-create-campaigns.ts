import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCampaigns1795262400000 implements MigrationInterface {
  name = 'CreateCampaigns1795262400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "campaigns" ("workspace_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel_id" uuid NOT NULL, "title" character varying(200) NOT NULL, "message" text NOT NULL, "body" text NOT NULL, "variables" jsonb NOT NULL, "img_url" text, "buttons" jsonb NOT NULL DEFAULT '[]', "template_type" character varying(16) NOT NULL, "language_code" character varying(16) NOT NULL, "send_window" jsonb, "template_name" character varying(512) NOT NULL, "template_id" character varying(128), "template_status" character varying(24) NOT NULL, "template_reason" text, "input_group_pk" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_831e3fcd4fc45b4e4c3f57a9ee4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaigns_template_pending" ON "campaigns"  ("template_status") WHERE template_status = 'PENDING' AND deleted_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaigns_workspace_created" ON "campaigns"  ("workspace_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "campaign_runs" ("workspace_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "campaign_id" uuid NOT NULL, "audiences" jsonb NOT NULL, "status" character varying(24) NOT NULL, "time_to_run" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "recipients" integer, "chunk_count" integer, "failure_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_da3eaaf120b4a3a3a599d91ceaa" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_runs_active" ON "campaign_runs"  ("status", "time_to_run") WHERE status IN ('scheduled', 'waiting_for_template', 'running', 'paused')`,
    );
    await queryRunner.query(`CREATE INDEX "idx_campaign_runs_campaign" ON "campaign_runs"  ("campaign_id", "created_at")`);
    await queryRunner.query(
      `CREATE TABLE "campaign_recipients" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "run_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "to_number" character varying(16) NOT NULL, "timezone" character varying(64) NOT NULL, "chunk_no" integer NOT NULL, "status" character varying(16) NOT NULL, "skip_reason" character varying(32), "params" jsonb, "marketing" boolean NOT NULL, "not_before" TIMESTAMP WITH TIME ZONE, "attempts" smallint NOT NULL DEFAULT '0', "provider_message_id" character varying(128), "error" jsonb, "sending_at" TIMESTAMP WITH TIME ZONE, "accepted_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "read_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, "action" text, "action_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_30d346f6af084aa7b916945a4f1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_marketing" ON "campaign_recipients"  ("contact_id", "accepted_at") WHERE marketing AND accepted_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_sending" ON "campaign_recipients"  ("updated_at") WHERE status = 'sending'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_campaign_recipients_provider_id" ON "campaign_recipients"  ("provider_message_id") WHERE provider_message_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_unfinished" ON "campaign_recipients"  ("run_id", "chunk_no") WHERE status IN ('queued', 'sending')`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_chunk" ON "campaign_recipients"  ("run_id", "chunk_no", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "campaign_run_counts" ("run_id" uuid NOT NULL, "bucket" character varying(48) NOT NULL, "n" bigint NOT NULL, CONSTRAINT "PK_a3555b86ddad4bf40d126268b06" PRIMARY KEY ("run_id", "bucket"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "channel_recipient_log" ("channel_id" uuid NOT NULL, "to_number" character varying(16) NOT NULL, "last_sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_43d49667cea49c3a504435c7116" PRIMARY KEY ("channel_id", "to_number"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_channel_recipient_log_recent" ON "channel_recipient_log"  ("channel_id", "last_sent_at")`,
    );
    await queryRunner.query(`ALTER TABLE "workspaces" ADD "frequency_cap_messages" integer`);
    await queryRunner.query(`ALTER TABLE "workspaces" ADD "frequency_cap_days" integer`);
    await queryRunner.query(
      `ALTER TABLE "campaigns" ADD CONSTRAINT "FK_5c174886e5ca23d8e7b8ba6d7a5" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "campaign_runs" ADD CONSTRAINT "FK_2276dd634fa577830073ca12be2" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Per-run counters, kept by statement-level triggers with transition tables: one aggregate per statement,
    // however many recipients it touched, so results never scan recipients. Rows are upserted in (run, bucket)
    // order so concurrent statements lock counters in the same order and cannot deadlock.
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipient_bucket(status text, skip_reason text, error jsonb, accepted_at timestamptz) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN status = 'skipped' THEN 'skipped:' || coalesce(skip_reason, 'other')
          WHEN status = 'failed' AND error->>'code' = '131026' THEN 'failed:not_on_whatsapp'
          WHEN status = 'failed' AND accepted_at IS NULL THEN 'failed:send'
          WHEN status = 'failed' THEN 'failed:delivery'
          ELSE status END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, n)
          SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, n)
          SELECT run_id, bucket, sum(d) FROM (
            SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at) AS bucket, -1 AS d FROM old_rows
            UNION ALL
            SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), 1 FROM new_rows) c
          GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSE
          INSERT INTO campaign_run_counts (run_id, bucket, n)
          SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER campaign_recipients_count_insert AFTER INSERT ON campaign_recipients REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_count()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER campaign_recipients_count_update AFTER UPDATE ON campaign_recipients REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_count()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER campaign_recipients_count_delete AFTER DELETE ON campaign_recipients REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_count()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER campaign_recipients_count_delete ON campaign_recipients`);
    await queryRunner.query(`DROP TRIGGER campaign_recipients_count_update ON campaign_recipients`);
    await queryRunner.query(`DROP TRIGGER campaign_recipients_count_insert ON campaign_recipients`);
    await queryRunner.query(`DROP FUNCTION campaign_recipients_count()`);
    await queryRunner.query(`DROP FUNCTION campaign_recipient_bucket(text, text, jsonb, timestamptz)`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP CONSTRAINT "FK_2276dd634fa577830073ca12be2"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP CONSTRAINT "FK_5c174886e5ca23d8e7b8ba6d7a5"`);
    await queryRunner.query(`ALTER TABLE "workspaces" DROP COLUMN "frequency_cap_days"`);
    await queryRunner.query(`ALTER TABLE "workspaces" DROP COLUMN "frequency_cap_messages"`);
    await queryRunner.query(`DROP INDEX "public"."idx_channel_recipient_log_recent"`);
    await queryRunner.query(`DROP TABLE "channel_recipient_log"`);
    await queryRunner.query(`DROP TABLE "campaign_run_counts"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_chunk"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_unfinished"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_sending"`);
    await queryRunner.query(`DROP INDEX "public"."uq_campaign_recipients_provider_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_marketing"`);
    await queryRunner.query(`DROP TABLE "campaign_recipients"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_runs_campaign"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_runs_active"`);
    await queryRunner.query(`DROP TABLE "campaign_runs"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaigns_workspace_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaigns_template_pending"`);
    await queryRunner.query(`DROP TABLE "campaigns"`);
  }
}
