/** The rows of a statement: TypeORM answers an UPDATE or DELETE … RETURNING with `[rows, count]`, anything else with rows. */
export function rowsOf<T>(result: unknown): T[] {
  const list = result as unknown[];
  return (list.length === 2 && Array.isArray(list[0]) && typeof list[1] === 'number' ? list[0] : list) as T[];
}
