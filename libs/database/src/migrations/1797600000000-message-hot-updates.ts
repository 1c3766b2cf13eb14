import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN_STATUS = `CASE WHEN status IN ('scheduled', 'queued', 'sending') THEN status END`;
const IN_DOUBT_SINCE = `CASE WHEN status = 'sending' THEN updated_at END`;
const ANSWER = `CASE WHEN status = 'accepted' THEN 'accepted' WHEN status IN ('sent', 'delivered', 'read') THEN 'by_webhook' END`;

const GENERATED: ReadonlyArray<[string, string]> = [
  ['open_status', OPEN_STATUS],
  ['in_doubt_since', IN_DOUBT_SINCE],
  ['answer', ANSWER],
];

/**
 * A message's later status webhooks (delivered, read) become heap-only updates, as a campaign recipient's did in
 * 1797500000000: no index of `messages` reads `status` or `updated_at` any more. The partial indexes read three
 * generated columns instead, which change only when a message enters or leaves a state the index is about:
 * `open_status` (scheduled, queued, sending), `in_doubt_since` (`updated_at` while sending) and `answer` (accepted, or
 * a status by webhook: sent, delivered and read are one value). The claim, the answer and the first webhook still
 * change an index's rows by their nature; `delivered` and `read` change none (docs/adr/0010-heap-only-status-updates.md).
 * Predicates compare with values, never IS NOT NULL (the planner takes that for nearly every row without statistics).
 * Adding the columns rewrites the table (once, at this migration).
 */
export class MessageHotUpdates1797600000000 implements MigrationInterface {
  name = 'MessageHotUpdates1797600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['idx_messages_unfinished', 'idx_messages_waiting', 'idx_messages_accepted', 'idx_messages_by_webhook']) {
      await queryRunner.query(`DROP INDEX "public"."${index}"`);
    }
    await queryRunner.query(`ALTER TABLE "messages" SET (fillfactor = 60)`);
    await queryRunner.query(
      `ALTER TABLE "messages" ADD "open_status" character varying(16) GENERATED ALWAYS AS (${OPEN_STATUS}) STORED,
                              ADD "in_doubt_since" TIMESTAMP WITH TIME ZONE GENERATED ALWAYS AS (${IN_DOUBT_SINCE}) STORED,
                              ADD "answer" character varying(16) GENERATED ALWAYS AS (${ANSWER}) STORED`,
    );
    // The runner creates typeorm_metadata before any migration runs when an entity has a generated column.
    for (const [name, value] of GENERATED) {
      await queryRunner.query(
        `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value")
         VALUES (current_database(), 'public', 'messages', 'GENERATED_COLUMN', $1, $2)`,
        [name, value],
      );
    }
    await queryRunner.query(`CREATE INDEX "idx_messages_in_doubt" ON "messages" ("in_doubt_since") WHERE open_status = 'sending'`);
    await queryRunner.query(`CREATE INDEX "idx_messages_waiting" ON "messages" ("not_before") WHERE open_status IN ('scheduled', 'queued')`);
    await queryRunner.query(`CREATE INDEX "idx_messages_accepted" ON "messages" ("channel_id", "accepted_at") WHERE answer = 'accepted'`);
    await queryRunner.query(`CREATE INDEX "idx_messages_by_webhook" ON "messages" ("channel_id", "accepted_at") WHERE answer = 'by_webhook'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['idx_messages_in_doubt', 'idx_messages_waiting', 'idx_messages_accepted', 'idx_messages_by_webhook']) {
      await queryRunner.query(`DROP INDEX "public"."${index}"`);
    }
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'messages' AND "name" IN ('open_status', 'in_doubt_since', 'answer')`,
    );
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "answer", DROP COLUMN "in_doubt_since", DROP COLUMN "open_status"`);
    await queryRunner.query(`ALTER TABLE "messages" RESET (fillfactor)`);
    await queryRunner.query(
      `CREATE INDEX "idx_messages_unfinished" ON "messages" ("status", "updated_at") WHERE status IN ('queued', 'sending')`,
    );
    await queryRunner.query(`CREATE INDEX "idx_messages_waiting" ON "messages" ("not_before") WHERE status IN ('scheduled', 'queued')`);
    await queryRunner.query(`CREATE INDEX "idx_messages_accepted" ON "messages" ("channel_id", "accepted_at") WHERE status = 'accepted'`);
    await queryRunner.query(
      `CREATE INDEX "idx_messages_by_webhook" ON "messages" ("channel_id", "accepted_at") WHERE status IN ('sent', 'delivered', 'read')`,
    );
  }
}
