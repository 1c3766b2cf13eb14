export * from './data-source.util';
export * from './schema-drift.util';
export * from './database.module';
export { MIGRATIONS } from './migrations';
export * from './sql-rows.util';
export * from './generated-column.util';
export * from './group-write.util';
