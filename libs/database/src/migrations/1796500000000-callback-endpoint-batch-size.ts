import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A callback endpoint's `batch_size`: the most events one POST carries. 1 (every existing endpoint, and the default)
 * posts each event alone, its envelope as the body; above 1, the events due together go in one POST as
 * `{"events": [...]}`. The API bounds it (1–100, herald format only), like every other column of the table.
 */
export class CallbackEndpointBatchSize1796500000000 implements MigrationInterface {
  name = 'CallbackEndpointBatchSize1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "callback_endpoints" ADD "batch_size" integer NOT NULL DEFAULT 1`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "callback_endpoints" DROP COLUMN "batch_size"`);
  }
}
