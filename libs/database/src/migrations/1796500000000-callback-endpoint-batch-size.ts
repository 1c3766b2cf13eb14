import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A callback endpoint's `batch_size`: the most events one POST carries. 1 (every existing endpoint, and the default)
 * posts each event alone, its envelope as the body; above 1, the events due together go in one POST as
 * `{"events": [...]}`. Bounded here too, so no row can hold a size the deliverer would not honour.
 */
export class CallbackEndpointBatchSize1796500000000 implements MigrationInterface {
  name = 'CallbackEndpointBatchSize1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "callback_endpoints" ADD "batch_size" integer NOT NULL DEFAULT 1
         CONSTRAINT "chk_callback_endpoints_batch_size" CHECK ("batch_size" BETWEEN 1 AND 100)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "callback_endpoints" DROP COLUMN "batch_size"`);
  }
}
