import type { ColumnOptions } from 'typeorm';

/**
 * A nullable column Postgres computes from the row (`GENERATED ALWAYS AS (expression) STORED`), for an index to read
 * instead of the columns it is computed from (docs/adr/0010-heap-only-status-updates.md). TypeORM never writes it and
 * compares its expression with the one it keeps in `typeorm_metadata`, so the migration that adds the column inserts
 * the same text there.
 */
export function storedGenerated(column: { name: string; type: 'varchar' | 'timestamptz'; length?: number; expression: string }): ColumnOptions {
  return {
    type: column.type,
    name: column.name,
    ...(column.length === undefined ? {} : { length: column.length }),
    nullable: true,
    generatedType: 'STORED',
    asExpression: column.expression,
    insert: false,
    update: false,
  };
}
