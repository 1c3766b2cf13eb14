import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message templates as the provider reports them (libs/templates): one row per WhatsApp Business Account, name and
 * language, with status, quality, category and components; and when each account's list was last read.
 */
export class Templates1795550000000 implements MigrationInterface {
  name = 'Templates1795550000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "waba_id" character varying(64) NOT NULL, "provider_template_id" character varying(64) NOT NULL, "name" character varying(512) NOT NULL, "language" character varying(16) NOT NULL, "category" character varying(32) NOT NULL, "status" character varying(32) NOT NULL, "provider_status" character varying(64) NOT NULL, "quality_score" character varying(16), "reason" text, "parameter_format" character varying(16) NOT NULL DEFAULT 'positional', "components" jsonb NOT NULL DEFAULT '[]', "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_templates_provider_id" ON "templates" ("provider_template_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_templates_waba_name_language" ON "templates" ("workspace_id", "waba_id", "name", "language")`);
    await queryRunner.query(
      `CREATE TABLE "template_syncs" ("workspace_id" uuid NOT NULL, "waba_id" character varying(64) NOT NULL, "synced_at" TIMESTAMP WITH TIME ZONE, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "error" text, "templates" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_e6b295c6bf92a4c63274237c9f8" PRIMARY KEY ("workspace_id", "waba_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "template_syncs"`);
    await queryRunner.query(`DROP INDEX "public"."uq_templates_waba_name_language"`);
    await queryRunner.query(`DROP INDEX "public"."idx_templates_provider_id"`);
    await queryRunner.query(`DROP TABLE "templates"`);
  }
}
