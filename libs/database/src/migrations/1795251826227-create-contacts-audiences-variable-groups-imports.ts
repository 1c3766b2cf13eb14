import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateContactsAudiencesVariableGroupsImports1795251826227 implements MigrationInterface {
    name = 'CreateContactsAudiencesVariableGroupsImports1795251826227'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "contacts" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "workspace_id" uuid NOT NULL, "number" character varying(16) NOT NULL, "name" character varying(200), "attributes" jsonb NOT NULL DEFAULT '{}', "timezone" character varying(64) NOT NULL, "opted_out" boolean NOT NULL DEFAULT false, "opted_out_at" TIMESTAMP WITH TIME ZONE, "opt_out_source" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b99cd40cfd66a99f1571f4f72e6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_contacts_workspace_id" ON "contacts"  ("workspace_id", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_contacts_workspace_number" ON "contacts"  ("workspace_id", "number") `);
        // Written by hand (TypeORM cannot declare it): attribute filters (`attributes @> …`) use this GIN index.
        await queryRunner.query(`CREATE INDEX "idx_contacts_attributes" ON "contacts" USING GIN ("attributes" jsonb_path_ops)`);
        await queryRunner.query(`CREATE TABLE "audiences" ("pk" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "workspace_id" uuid NOT NULL, "id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "description" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aaefc106dfcaf33931a07d2bc1c" PRIMARY KEY ("pk"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_audiences_workspace_id" ON "audiences"  ("workspace_id", "id") `);
        await queryRunner.query(`CREATE TABLE "audience_members" ("audience_pk" bigint NOT NULL, "contact_id" bigint NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_015419ba10f1c0b3310fb09022d" PRIMARY KEY ("audience_pk", "contact_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_audience_members_contact" ON "audience_members"  ("contact_id") `);
        await queryRunner.query(`CREATE TABLE "variable_groups" ("pk" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "workspace_id" uuid NOT NULL, "id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "description" text, "fields" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f0a5aa153baca0886447f619580" PRIMARY KEY ("pk"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_variable_groups_workspace_id" ON "variable_groups"  ("workspace_id", "id") `);
        await queryRunner.query(`CREATE TABLE "variable_values" ("group_pk" bigint NOT NULL, "contact_id" bigint NOT NULL, "values" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a5f52cd43f8c80ba265a0d10b32" PRIMARY KEY ("group_pk", "contact_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_variable_values_contact" ON "variable_values"  ("contact_id") `);
        await queryRunner.query(`CREATE TABLE "imports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "target" jsonb NOT NULL, "status" character varying(16) NOT NULL, "delimiter" character varying(1) NOT NULL, "columns" jsonb NOT NULL, "number_column" integer NOT NULL, "name_column" integer, "size_bytes" bigint NOT NULL DEFAULT '0', "bytes_read" bigint NOT NULL DEFAULT '0', "rows_read" integer NOT NULL DEFAULT '0', "imported" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "invalid" integer NOT NULL DEFAULT '0', "duplicates" integer NOT NULL DEFAULT '0', "errors" jsonb NOT NULL DEFAULT '[]', "failure" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ea10c62f5eb1d75e83d8b5225db" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_imports_status" ON "imports"  ("status") `);
        await queryRunner.query(`CREATE INDEX "idx_imports_workspace" ON "imports"  ("workspace_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "import_chunks" ("import_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_17be9951f9d1f93f12d19a577d8" PRIMARY KEY ("import_id", "seq"))`);
        await queryRunner.query(`ALTER TABLE "contacts" ADD CONSTRAINT "FK_a65be64e40ceb2856e46cb9f8a8" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "audiences" ADD CONSTRAINT "FK_f43ecd7a476017abc16affb14ac" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "variable_groups" ADD CONSTRAINT "FK_17d92585d3a2fadfa4a6f157259" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "imports" ADD CONSTRAINT "FK_900e337fc9668d187ea4dc58fb2" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "import_chunks" ADD CONSTRAINT "FK_063de3b8d36d5e547605d30f87f" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "import_chunks" DROP CONSTRAINT "FK_063de3b8d36d5e547605d30f87f"`);
        await queryRunner.query(`ALTER TABLE "imports" DROP CONSTRAINT "FK_900e337fc9668d187ea4dc58fb2"`);
        await queryRunner.query(`ALTER TABLE "variable_groups" DROP CONSTRAINT "FK_17d92585d3a2fadfa4a6f157259"`);
        await queryRunner.query(`ALTER TABLE "audiences" DROP CONSTRAINT "FK_f43ecd7a476017abc16affb14ac"`);
        await queryRunner.query(`ALTER TABLE "contacts" DROP CONSTRAINT "FK_a65be64e40ceb2856e46cb9f8a8"`);
        await queryRunner.query(`DROP TABLE "import_chunks"`);
        await queryRunner.query(`DROP INDEX "public"."idx_imports_workspace"`);
        await queryRunner.query(`DROP INDEX "public"."idx_imports_status"`);
        await queryRunner.query(`DROP TABLE "imports"`);
        await queryRunner.query(`DROP INDEX "public"."idx_variable_values_contact"`);
        await queryRunner.query(`DROP TABLE "variable_values"`);
        await queryRunner.query(`DROP INDEX "public"."uq_variable_groups_workspace_id"`);
        await queryRunner.query(`DROP TABLE "variable_groups"`);
        await queryRunner.query(`DROP INDEX "public"."idx_audience_members_contact"`);
        await queryRunner.query(`DROP TABLE "audience_members"`);
        await queryRunner.query(`DROP INDEX "public"."uq_audiences_workspace_id"`);
        await queryRunner.query(`DROP TABLE "audiences"`);
        await queryRunner.query(`DROP INDEX "public"."uq_contacts_workspace_number"`);
        await queryRunner.query(`DROP INDEX "public"."idx_contacts_attributes"`);
        await queryRunner.query(`DROP INDEX "public"."idx_contacts_workspace_id"`);
        await queryRunner.query(`DROP TABLE "contacts"`);
    }

}
