import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `contacts` without its foreign key to `workspaces` (docs/adr/0002). An import writes a million contacts in one
 * statement per batch, and PostgreSQL checks a foreign key with a trigger per row: the check on `workspaces`
 * alone took 16-21 % of a 1,000,000-row import (`bench/import`: 22.6-24.2 s with it, 18.2-19.7 s without, in
 * alternating runs). Every path that writes contacts starts from a row that keeps its own foreign key to the
 * workspace (the API key, the import, the channel), and workspaces cannot be deleted.
 */
export class DropContactsWorkspaceFk1795350000000 implements MigrationInterface {
  name = 'DropContactsWorkspaceFk1795350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contacts" DROP CONSTRAINT "FK_a65be64e40ceb2856e46cb9f8a8"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "contacts" ADD CONSTRAINT "FK_a65be64e40ceb2856e46cb9f8a8" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
