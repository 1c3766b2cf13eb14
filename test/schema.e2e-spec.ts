import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, pendingSchemaChanges, MIGRATIONS } from '@herald/database';
import { ENTITIES } from '@herald/schema';
import { dropDatabase, ensureDatabase, withDatabase } from '@herald/local-services';

/** A database of its own, so reverting migrations cannot disturb the other specs. */
describe('migrations and entities', () => {
  const adminUrl = process.env.HERALD_TEST_ADMIN_DATABASE_URL!;
  const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_schema`;
  let ds: DataSource;

  beforeAll(async () => {
    await ensureDatabase(adminUrl, name);
    ds = new DataSource(createDataSourceOptions({ databaseUrl: withDatabase(adminUrl, name), databasePoolSize: 2 }, ENTITIES));
    ds.setOptions({ logging: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(adminUrl, name);
  });

  it('builds exactly the schema the entities describe', async () => {
    await ds.runMigrations({ transaction: 'each' });
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });

  it('reverts every migration cleanly and applies them again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables: Array<{ table_name: string }> = await ds.query(
      // TypeORM's own tables: its migration runner creates `typeorm_metadata` whenever an entity has a generated column.
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('migrations', 'typeorm_metadata')",
    );
    expect(tables).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });

  it('detects an entity the migrations do not create', async () => {
    await ds.query('ALTER TABLE api_keys DROP COLUMN last_used_at');
    try {
      const pending = await pendingSchemaChanges(ds);
      expect(pending.join('\n')).toContain('last_used_at');
    } finally {
      await ds.query('ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE');
    }
  });
});
