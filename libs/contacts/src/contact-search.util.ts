import { HeraldError } from '@herald/common';

/**
 * searchSpec: a JSON object, every key a condition, all ANDed together; `{}` matches every contact.
 *
 *   "name": "John"                       equality                 also {"$in": [...]}, {"$exists": true|false}
 *   "number": "+91 97399 78284"          equality after E.164     also {"$in": [...]}
 *   "attributes.plan": "gold" | 5 | true equality, type included  also {"$in": [...]}, {"$exists": true|false}
 *   "audience": "vip"                    member of that audience  also {"$in": [...]}; "all" matches everyone
 *   "optedOut": true | false
 *
 * The compiled SQL holds only fixed text, the caller's alias and $n placeholders: every value and every attribute key
 * travels as a parameter. Attribute equality uses `attributes @> '{"key": value}'::jsonb`, and $in
 * `attributes @> ANY(array of such objects)`, so the GIN index on attributes serves both (the latter as a bitmap scan
 * per array element) and "5" never matches 5.
 */
export interface SearchSpecOptions {
  /** The contacts table's alias in the query this fragment goes into, e.g. 'c'. Code-chosen, never user input. */
  readonly alias: string;
  /** The number of the first placeholder to use ($n). */
  readonly firstParam: number;
  /** E.164 of a number as given, or undefined when it is not one. */
  readonly normalizeNumber: (raw: string) => string | undefined;
}

export interface CompiledSearch {
  readonly sql: string;
  readonly params: unknown[];
}

export const MAX_SEARCH_KEYS = 20;
export const MAX_IN_VALUES = 1_000;
/** The id that names every contact of a workspace, in place of an audience. */
export const ALL_CONTACTS_AUDIENCE = 'all';

const ATTRIBUTE_PREFIX = 'attributes.';
const ATTRIBUTE_KEY = /^[A-Za-z0-9_]{1,64}$/;
const SQL_ALIAS = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MAX_NAME = 200;
const MAX_ATTRIBUTE_STRING = 1_000;
const MAX_AUDIENCE_ID = 64;
const MAX_NUMBER_INPUT = 64;
const KEYS_HINT = 'name, number, attributes.<key>, audience or optedOut';

type Scalar = string | number | boolean;

export function compileSearchSpec(spec: unknown, options: SearchSpecOptions): CompiledSearch {
  const { alias, firstParam, normalizeNumber } = options;
  if (!SQL_ALIAS.test(alias)) throw new TypeError(`compileSearchSpec: alias must be a plain SQL identifier`);
  if (!Number.isInteger(firstParam) || firstParam < 1)
    throw new TypeError('compileSearchSpec: firstParam must be a positive integer');

  if (!isPlainObject(spec)) {
    throw invalidSpec(
      'searchSpec',
      'must be a JSON object',
      'The searchSpec must be a JSON object such as {"attributes.plan": "gold"}.',
    );
  }
  const keys = Object.keys(spec);
  if (keys.length > MAX_SEARCH_KEYS) {
    throw invalidSpec(
      'searchSpec',
      `may hold at most ${MAX_SEARCH_KEYS} keys`,
      `The searchSpec has ${keys.length} keys; at most ${MAX_SEARCH_KEYS} are allowed.`,
    );
  }

  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const clauses: string[] = [];

  for (const key of keys) {
    const value: unknown = spec[key];
    let clause: string | undefined;
    if (key === 'name') clause = compileName(key, value, `${alias}.name`, param);
    else if (key === 'number') clause = compileNumber(key, value, `${alias}.number`, normalizeNumber, param);
    else if (key === 'audience') clause = compileAudience(key, value, alias, param);
    else if (key === 'optedOut') {
      if (typeof value !== 'boolean') throw invalidKey(key, 'must be true or false');
      clause = `${alias}.opted_out = ${param(value)}`;
    } else if (key.startsWith(ATTRIBUTE_PREFIX)) {
      const attribute = key.slice(ATTRIBUTE_PREFIX.length);
      if (!ATTRIBUTE_KEY.test(attribute)) throw invalidKey(key, 'names an attribute key that is not 1-64 letters, digits or _');
      clause = compileAttribute(key, attribute, value, `${alias}.attributes`, param);
    } else {
      throw invalidKey(key, `is not a searchable key (use ${KEYS_HINT})`);
    }
    if (clause !== undefined) clauses.push(clause);
  }

  if (clauses.length === 0) return { sql: 'TRUE', params };
  return { sql: clauses.length === 1 ? clauses[0]! : clauses.map((c) => `(${c})`).join(' AND '), params };
}

type Param = (value: unknown) => string;

function compileName(key: string, value: unknown, column: string, param: Param): string {
  const op = operator(key, value, ['$in', '$exists']);
  if (op === undefined) return `${column} = ${param(nameValue(key, value, ''))}`;
  if (op.name === '$exists') return `${column} ${exists(key, op.arg) ? 'IS NOT NULL' : 'IS NULL'}`;
  const names = inList(key, op.arg).map((item, i) => nameValue(key, item, `$in item ${i} `));
  return `${column} = ANY(${param(names)}::text[])`;
}

function nameValue(key: string, value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw invalidKey(key, `${what}must be a string${what ? '' : ' (or {"$exists": false} for contacts without one)'}`);
  }
  if (value.length > MAX_NAME) throw invalidKey(key, `${what}must be at most ${MAX_NAME} characters`);
  assertNoNul(key, value, what);
  return value;
}

function compileNumber(
  key: string,
  value: unknown,
  column: string,
  normalizeNumber: SearchSpecOptions['normalizeNumber'],
  param: Param,
): string {
  const normalize = (raw: unknown, what: string): string => {
    if (typeof raw !== 'string') throw invalidKey(key, `${what}must be a string`);
    const number = raw.length > MAX_NUMBER_INPUT ? undefined : normalizeNumber(raw);
    if (number === undefined) throw invalidKey(key, `${what}is not a phone number`);
    return number;
  };
  const op = operator(key, value, ['$in']);
  if (op === undefined) return `${column} = ${param(normalize(value, ''))}`;
  const numbers = inList(key, op.arg).map((item, i) => normalize(item, `$in item ${i} `));
  return `${column} = ANY(${param(numbers)}::text[])`;
}

function compileAttribute(key: string, attribute: string, value: unknown, column: string, param: Param): string {
  const op = operator(key, value, ['$in', '$exists']);
  if (op === undefined) return `${column} @> ${param(containment(attribute, scalar(key, value, '')))}::jsonb`;
  if (op.name === '$exists') {
    const test = `${column} ? ${param(attribute)}`;
    return exists(key, op.arg) ? test : `NOT (${test})`;
  }
  const objects = inList(key, op.arg).map((item, i) => containment(attribute, scalar(key, item, `$in item ${i} `)));
  return `${column} @> ANY(${param(objects)}::jsonb[])`;
}

/** `{"<attribute>": value}` as JSON text: the key and the value's JSON type both count in `@>`. */
function containment(attribute: string, value: Scalar): string {
  return JSON.stringify({ [attribute]: value });
}

function scalar(key: string, value: unknown, what: string): Scalar {
  if (typeof value === 'string') {
    if (value.length > MAX_ATTRIBUTE_STRING) throw invalidKey(key, `${what}must be at most ${MAX_ATTRIBUTE_STRING} characters`);
    assertNoNul(key, value, what);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidKey(key, `${what}must be a finite number`);
    return value;
  }
  if (typeof value === 'boolean') return value;
  throw invalidKey(key, `${what}must be a string, number or boolean`);
}

function compileAudience(key: string, value: unknown, alias: string, param: Param): string | undefined {
  const audienceId = (raw: unknown, what: string): string => {
    if (typeof raw !== 'string' || raw.length === 0) throw invalidKey(key, `${what}must be an audience id (a non-empty string)`);
    if (raw.length > MAX_AUDIENCE_ID) throw invalidKey(key, `${what}must be at most ${MAX_AUDIENCE_ID} characters`);
    assertNoNul(key, raw, what);
    return raw;
  };
  const op = operator(key, value, ['$in']);
  const ids =
    op === undefined ? [audienceId(value, '')] : inList(key, op.arg).map((item, i) => audienceId(item, `$in item ${i} `));
  if (ids.includes(ALL_CONTACTS_AUDIENCE)) return undefined; // matches every contact
  const test = ids.length === 1 ? `a.id = ${param(ids[0])}` : `a.id = ANY(${param(ids)}::text[])`;
  return (
    `EXISTS (SELECT 1 FROM audience_members m JOIN audiences a ON a.pk = m.audience_pk ` +
    `WHERE m.contact_id = ${alias}.id AND ${test} AND a.workspace_id = ${alias}.workspace_id)`
  );
}

/** The operator of an operator object (`{"$in": [...]}`), undefined for a plain value; 400 for anything else object-like. */
function operator(key: string, value: unknown, allowed: readonly string[]): { name: string; arg: unknown } | undefined {
  if (Array.isArray(value)) throw invalidKey(key, 'must not be an array; use {"$in": [...]} to match any of several values');
  if (typeof value !== 'object' || value === null) return undefined;
  const hint = allowed.join(' or ');
  if (!isPlainObject(value)) throw invalidKey(key, `must be a value or an operator object (${hint})`);
  const names = Object.keys(value);
  if (names.length !== 1) throw invalidKey(key, `must be a value or an object with exactly one operator (${hint})`);
  const name = names[0]!;
  if (!name.startsWith('$')) throw invalidKey(key, `must be a value or an operator object (${hint}), not a nested object`);
  if (!allowed.includes(name)) throw invalidKey(key, `uses an unsupported operator ${quote(name)} (use ${hint})`);
  return { name, arg: value[name] };
}

function inList(key: string, arg: unknown): unknown[] {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length > MAX_IN_VALUES) {
    throw invalidKey(key, `$in must be a non-empty array of at most ${MAX_IN_VALUES} values`);
  }
  return arg;
}

function exists(key: string, arg: unknown): boolean {
  if (typeof arg !== 'boolean') throw invalidKey(key, '$exists must be true or false');
  return arg;
}

function assertNoNul(key: string, value: string, what: string): void {
  if (value.includes('\u0000')) throw invalidKey(key, `${what}must not contain NUL characters`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A key as shown in messages: JSON-quoted and cut short, since it is whatever the caller sent. */
function quote(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}

function invalidKey(key: string, issue: string): HeraldError {
  const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
  return invalidSpec(`searchSpec.${shown}`, issue, `searchSpec key ${quote(key)} ${issue}.`);
}

function invalidSpec(field: string, issue: string, message: string): HeraldError {
  return new HeraldError('invalid', 'invalid_search_spec', message, [{ field, issue }]);
}
