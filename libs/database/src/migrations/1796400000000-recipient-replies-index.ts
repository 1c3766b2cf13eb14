import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recipients who pressed a button or replied, by run: a run's results count its replies through this index
 * (replies are few; the run's other rows are never read), for the delivery funnel's "replied" step.
 */
export class RecipientRepliesIndex1796400000000 implements MigrationInterface {
  name = 'RecipientRepliesIndex1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_campaign_recipients_replied" ON "campaign_recipients" ("run_id") WHERE action_at IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_campaign_recipients_replied"`);
  }
}
