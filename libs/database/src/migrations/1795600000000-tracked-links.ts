import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracked links (libs/links): `tracked_links`, one row per link in a sent message, keyed by its random code, and
 * `link_clicks`, one row per click of one, written in batches by the API's redirect. No foreign keys: links are
 * inserted in bulk on the send path, and the send each belongs to keeps its own key to the workspace.
 *
 * Clicks are read per run (`count(DISTINCT send_ref)`, `count(*)`: an index-only scan of `idx_link_clicks_run`) and
 * per send (first click, timeline: `idx_link_clicks_send`).
 */
export class TrackedLinks1795600000000 implements MigrationInterface {
  name = 'TrackedLinks1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tracked_links" ("code" text NOT NULL, "workspace_id" uuid NOT NULL, "destination" text NOT NULL, "send_ref" text NOT NULL, "run_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ba2cf9e91c9d5709aef95094c3" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "link_clicks" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "code" text NOT NULL, "workspace_id" uuid NOT NULL, "send_ref" text NOT NULL, "run_id" uuid, "clicked_at" TIMESTAMP WITH TIME ZONE NOT NULL, "user_agent" text, CONSTRAINT "PK_19d536461401f505e14ddf46ae6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_link_clicks_run" ON "link_clicks" ("run_id", "send_ref") WHERE run_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_link_clicks_send" ON "link_clicks" ("send_ref", "clicked_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_link_clicks_send"`);
    await queryRunner.query(`DROP INDEX "public"."idx_link_clicks_run"`);
    await queryRunner.query(`DROP TABLE "link_clicks"`);
    await queryRunner.query(`DROP TABLE "tracked_links"`);
  }
}
