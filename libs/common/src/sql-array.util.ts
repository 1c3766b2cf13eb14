/** A value of a Postgres array parameter: NULL for null or undefined, a Date as its instant (ISO 8601, UTC). */
export type SqlArrayElement = string | number | boolean | Date | null | undefined;

/** Elements that must be escaped inside a quoted array element. */
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * The Postgres array literal (`{"a","b",NULL}`) of `values`, to pass as a parameter cast to an array type
 * (`$1::uuid[]`, `$2::timestamptz[]`, `$3::jsonb[]` with JSON text elements). node-postgres turns a JS array into the
 * same literal itself, but runs two regular-expression replaces on every element and formats every Date by hand in
 * local time; on the statements that record a batch of sends and apply a batch of statuses (hundreds to thousands of
 * elements each, several per send) that was a visible share of a worker's CPU and garbage (docs/BENCHMARKS.md,
 * throughput). Every element is quoted, so none is read as NULL or trimmed; only `"` and `\` need escaping then.
 * Numbers must be finite and Dates valid: the literal of anything else would be refused by Postgres anyway, so they
 * throw here, naming the element.
 */
export function sqlArray(values: readonly SqlArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const value = values[i];
    if (value === null || value === undefined) {
      out += 'NULL';
    } else if (typeof value === 'string') {
      out += NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`sqlArray: element ${i} is ${value}, not a finite number`);
      out += `"${value}"`;
    } else if (typeof value === 'boolean') {
      out += value ? '"t"' : '"f"';
    } else {
      const time = value.getTime();
      if (Number.isNaN(time)) throw new RangeError(`sqlArray: element ${i} is an invalid Date`);
      out += `"${value.toISOString()}"`;
    }
  }
  return `${out}}`;
}
