import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateChannelsMessagesWebhooks1795253482144 implements MigrationInterface {
  name = 'CreateChannelsMessagesWebhooks1795253482144';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "channels" ("workspace_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "phone_number_id" character varying(64) NOT NULL, "display_phone_number" character varying(32) NOT NULL, "waba_id" character varying(64) NOT NULL, "graph_base_url" character varying(300) NOT NULL, "messages_per_second" integer NOT NULL, "messaging_tier" character varying(16) NOT NULL, "is_default" boolean NOT NULL DEFAULT false, "status" character varying(16) NOT NULL DEFAULT 'active', "status_reason" text, "secrets" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_bc603823f3f741359c2339389f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_channels_workspace" ON "channels"  ("workspace_id", "created_at") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_channels_default" ON "channels"  ("workspace_id") WHERE is_default AND deleted_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "messages" ("workspace_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "to_number" character varying(16) NOT NULL, "type" character varying(16) NOT NULL, "content" jsonb NOT NULL, "template_name" character varying(512), "tags" text array NOT NULL DEFAULT '{}', "request_id" character varying(100), "custom_args" jsonb NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "provider_message_id" character varying(128), "error" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sending_at" TIMESTAMP WITH TIME ZONE, "accepted_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "read_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_messages_unfinished" ON "messages"  ("status", "updated_at") WHERE status IN ('queued', 'sending')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_messages_request_id" ON "messages"  ("workspace_id", "request_id") WHERE request_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_messages_provider_id" ON "messages"  ("provider_message_id") WHERE provider_message_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "idx_messages_workspace_created" ON "messages"  ("workspace_id", "created_at", "id") `);
    // Tag filters (`tags @> ARRAY[…]`); declared on the entity with synchronize: false.
    await queryRunner.query(`CREATE INDEX "idx_messages_tags" ON "messages" USING GIN ("tags")`);
    await queryRunner.query(
      `CREATE TABLE "inbound_messages" ("workspace_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel_id" uuid NOT NULL, "provider_message_id" character varying(128) NOT NULL, "from_number" character varying(16) NOT NULL, "contact_id" bigint, "type" character varying(32) NOT NULL, "text" text, "payload" text, "context_provider_message_id" character varying(128), "reply_to_message_id" uuid, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4f21d40ad47ab9702cb1ee64590" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_inbound_messages_reply_to" ON "inbound_messages"  ("reply_to_message_id") WHERE reply_to_message_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_inbound_messages_provider_id" ON "inbound_messages"  ("channel_id", "provider_message_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "channel_id" uuid NOT NULL, "body" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4cba37e6a0acb5e1fc49c34ebfd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_webhook_events_received" ON "webhook_events"  ("received_at") `);
    await queryRunner.query(`ALTER TABLE "contacts" ADD "not_on_whatsapp_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "channels" ADD CONSTRAINT "FK_e996fff1751f5c3e8997c7e7d70" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "FK_fb06c053a271467000dbd1d1dab" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "inbound_messages" ADD CONSTRAINT "FK_a37609da513936865f98d4d24e6" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbound_messages" DROP CONSTRAINT "FK_a37609da513936865f98d4d24e6"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_fb06c053a271467000dbd1d1dab"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP CONSTRAINT "FK_e996fff1751f5c3e8997c7e7d70"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "not_on_whatsapp_at"`);
    await queryRunner.query(`DROP INDEX "public"."idx_webhook_events_received"`);
    await queryRunner.query(`DROP TABLE "webhook_events"`);
    await queryRunner.query(`DROP INDEX "public"."uq_inbound_messages_provider_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_inbound_messages_reply_to"`);
    await queryRunner.query(`DROP TABLE "inbound_messages"`);
    await queryRunner.query(`DROP INDEX "public"."idx_messages_tags"`);
    await queryRunner.query(`DROP INDEX "public"."idx_messages_workspace_created"`);
    await queryRunner.query(`DROP INDEX "public"."uq_messages_provider_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_messages_request_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_messages_unfinished"`);
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP INDEX "public"."uq_channels_default"`);
    await queryRunner.query(`DROP INDEX "public"."idx_channels_workspace"`);
    await queryRunner.query(`DROP TABLE "channels"`);
  }
}
