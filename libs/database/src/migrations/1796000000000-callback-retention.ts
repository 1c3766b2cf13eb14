import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of the callback outbox: finished deliveries by their last attempt (a partial index: pending rows, which
 * claims update all the time, never enter it), deliveries by event (is any delivery of this event left?), and events
 * by age (the walk over old events).
 */
export class CallbackRetention1796000000000 implements MigrationInterface {
  name = 'CallbackRetention1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_callback_deliveries_finished" ON "callback_deliveries" ("last_attempt_at") WHERE status <> 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX "idx_callback_deliveries_event" ON "callback_deliveries" ("event_id") `);
    await queryRunner.query(`CREATE INDEX "idx_callback_events_created" ON "callback_events" ("created_at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_callback_events_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_deliveries_event"`);
    await queryRunner.query(`DROP INDEX "public"."idx_callback_deliveries_finished"`);
  }
}
