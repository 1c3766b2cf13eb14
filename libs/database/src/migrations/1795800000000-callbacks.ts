import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Callback endpoints, their events (the outbox) and deliveries, and workspaces' callback secrets. */
export class Callbacks1795800000000 implements MigrationInterface {
  name = 'Callbacks1795800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "callback_deliveries" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "workspace_id" uuid NOT NULL, "endpoint_id" uuid, "url" text, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "pending_since" TIMESTAMP WITH TIME ZONE NOT NULL, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_latency_ms" integer, "last_error" text, "last_response" text, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5c61431e5ce187da7d35fbcbd0d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_callback_deliveries_endpoint" ON "callback_deliveries"  ("endpoint_id", "id") WHERE endpoint_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_callback_deliveries_direct_due" ON "callback_deliveries"  ("workspace_id", "next_attempt_at") WHERE status = 'pending' AND endpoint_id IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_callback_deliveries_due" ON "callback_deliveries"  ("endpoint_id", "next_attempt_at") WHERE status = 'pending' AND endpoint_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "callback_endpoints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "description" text, "enabled" boolean NOT NULL DEFAULT true, "secret_sealed" bytea NOT NULL, "previous_secret_sealed" bytea, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "secret_created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "failing_since" TIMESTAMP WITH TIME ZONE, "blocked_until" TIMESTAMP WITH TIME ZONE, "failed_batches" integer NOT NULL DEFAULT '0', "disabled_reason" text, "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ce97003a6b70129db17179d6a49" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_callback_endpoints_workspace" ON "callback_endpoints"  ("workspace_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "callback_events" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "type" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "body" text NOT NULL, CONSTRAINT "PK_34d2b0cd8fc35fda9892c791ae8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_callback_events_workspace" ON "callback_events"  ("workspace_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "callback_secrets" ("workspace_id" uuid NOT NULL, "secret_sealed" bytea NOT NULL, "previous_secret_sealed" bytea, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "secret_created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_939c62fdbfe7c536e5f4b26a51c" PRIMARY KEY ("workspace_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "callback_secrets"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_events_workspace"`);
    await queryRunner.query(`DROP TABLE "callback_events"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_endpoints_workspace"`);
    await queryRunner.query(`DROP TABLE "callback_endpoints"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_deliveries_due"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_deliveries_direct_due"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_deliveries_endpoint"`);
    await queryRunner.query(`DROP TABLE "callback_deliveries"`);
  }
}
