import type { CoreConfig } from '@herald/config';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { ParameterFreeQueryLogger } from './query-logger.util';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

/**
 * The one place TypeORM is configured. The schema is owned by migrations only (`synchronize` is off);
 * entities and migrations are passed as classes, not globs, so the same options work from the compiled
 * build and from the test runner.
 */
export function createDataSourceOptions(
  config: Pick<CoreConfig, 'databaseUrl' | 'databasePoolSize'>,
  entities: EntityList,
  applicationName = 'herald',
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; pgcrypto is only named so TypeORM uses it.
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    // Failed statements without their parameters (message bodies, numbers, names), through the app's logger.
    logger: new ParameterFreeQueryLogger(),
    applicationName,
    extra: {
      max: config.databasePoolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // Every statement is bounded so a stuck query cannot pin a worker or a request forever.
      statement_timeout: 60_000,
    },
  };
}
