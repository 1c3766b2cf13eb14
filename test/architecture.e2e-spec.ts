// The architecture rules of /work/shared/CONVENTIONS.md ("Ownership", "The shape"), checked on the source text:
//  1. a library's SQL writes only the tables it owns (ownership derived from its @Entity classes, plus a small
//     map for tables only migrations create, plus the temporary tables it creates itself — a CREATE TEMP TABLE
//     makes the table its library's, not only its file's: contacts creates its import staging tables in
//     import.repository.ts and fills them in import-staging.session.ts);
//  2. code imports a library only through `@herald/<lib>` (its index.ts), never its files;
//  3. the libraries' imports form a DAG, and no library imports an app.
// No database: it reads files. The detectors are first proved on planted violations in memory, so the checks
// of the real tree cannot pass by matching nothing.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// ------------------------------------------------------------------------------------------------------------
// Configuration: the only hand-kept lists. Keep them tiny, and say why for every entry.
// ------------------------------------------------------------------------------------------------------------

/**
 * Tables that migrations create but no entity describes (found by scanning the migrations' `up()` for CREATE
 * TABLE): each needs an owning library, and the reason. Empty today: every table a migration creates has an
 * @Entity (campaign_run_counts and channel_recipient_log included). The tree test fails when a migration adds
 * a table without an entity and without an entry here, and when an entry here goes stale.
 */
const MIGRATION_ONLY_OWNERS: Readonly<Record<string, { readonly lib: string; readonly why: string }>> = {};

/**
 * Writes whose table name is built at run time and cannot be resolved: not a constant, a constant object's
 * property or a private function's argument in the same file, nor (for a shared SQL builder such as
 * `statusUpdateSql(table, …)`) a resolvable argument at each of its calls in the libraries. Each
 * entry: the file, the `${…}` expression exactly as written (or `(outside the literal)` for a keyword whose
 * table is concatenated on), and why it is safe. Empty today; an entry that matches nothing fails the test.
 */
const UNRESOLVABLE_ALLOWLIST: readonly Allowed[] = [];

/** Libraries whose SQL is not checked: the migrations (they create everyone's tables) and the local Postgres/Redis starter. */
const SQL_EXEMPT_LIBS: ReadonlySet<string> = new Set(['database', 'local-services']);

// ------------------------------------------------------------------------------------------------------------
// Files
// ------------------------------------------------------------------------------------------------------------

interface Source {
  /** Repository-relative, forward slashes. */
  readonly path: string;
  readonly text: string;
}
interface Allowed {
  readonly file: string;
  readonly expression: string;
  readonly reason: string;
}

const ROOT = process.cwd();
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.data', '.git']);
const src = (p: string, text: string): Source => ({ path: p, text });
const isSpec = (p: string): boolean => /\.spec\.ts$|\.e2e-spec\.ts$/.test(p);
const libOf = (p: string): string | undefined => /^libs\/([^/]+)(?:\/|$)/.exec(p)?.[1];
const collapse = (s: string, max = 140): string => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

function listTs(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(ROOT, rel);
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(child);
      } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        out.push(child);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Reads the files; one moved away meanwhile (others are moving code right now) is skipped. */
function readSources(paths: readonly string[]): Source[] {
  const out: Source[] = [];
  for (const p of paths) {
    try {
      out.push(src(p, readFileSync(path.join(ROOT, p), 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return out;
}

/** Directories under libs/ with a public src/index.ts. */
function libraryNames(): string[] {
  return readdirSync(path.join(ROOT, 'libs'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, 'libs', d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** Packages published from packages/<name> (the typed client), imported as `@herald/<name>` like a library. */
function packageNames(): string[] {
  return readdirSync(path.join(ROOT, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, 'packages', d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}

const parse = (s: Source): ts.SourceFile => ts.createSourceFile(s.path, s.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
const lineOf = (sf: ts.SourceFile, pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

// ------------------------------------------------------------------------------------------------------------
// String literals as SQL text: `${…}` holes become markers that a table position can be resolved from
// ------------------------------------------------------------------------------------------------------------

/** Stands for hole i of a template (`${…}`) in the text: MARK i MARK. A private-use character, never in SQL. */
const MARK = '\uE000';

interface Piece {
  readonly text: string;
  /** Text offset → source position, per literal chunk or hole. */
  readonly segments: ReadonlyArray<{ readonly at: number; readonly src: number }>;
  readonly holes: readonly ts.Expression[];
}

/** Every string literal and template under `root`; a template's substitutions are holes (nested literals are pieces of their own). */
function pieces(sf: ts.SourceFile, root: ts.Node = sf): Piece[] {
  const out: Piece[] = [];
  walk(root, (node) => {
    if (ts.isStringLiteral(node)) {
      out.push({ text: node.text, segments: [{ at: 0, src: node.getStart(sf) + 1 }], holes: [] });
    } else if (ts.isNoSubstitutionTemplateLiteral(node)) {
      const start = node.getStart(sf) + 1;
      out.push({ text: sf.text.slice(start, node.end - 1), segments: [{ at: 0, src: start }], holes: [] });
    } else if (ts.isTemplateExpression(node)) {
      let text = '';
      const segments: Array<{ at: number; src: number }> = [];
      const holes: ts.Expression[] = [];
      const literal = (part: ts.Node, closing: number): void => {
        const start = part.getStart(sf) + 1;
        segments.push({ at: text.length, src: start });
        text += sf.text.slice(start, part.end - closing);
      };
      literal(node.head, 2);
      for (const span of node.templateSpans) {
        segments.push({ at: text.length, src: span.expression.getStart(sf) });
        text += `${MARK}${holes.length}${MARK}`;
        holes.push(span.expression);
        literal(span.literal, ts.isTemplateTail(span.literal) ? 1 : 2);
      }
      out.push({ text, segments, holes });
    }
  });
  return out;
}

function positionOf(piece: Piece, offset: number): number {
  let best = piece.segments[0]!;
  for (const s of piece.segments) if (s.at <= offset) best = s;
  return best.src + (offset - best.at);
}

/** The text from `offset`, holes shown as written, on one line. */
function excerptAt(piece: Piece, offset: number, sf: ts.SourceFile): string {
  const window = piece.text.slice(offset, offset + 400);
  const shown = window.replace(
    new RegExp(`${MARK}(\\d+)${MARK}`, 'g'),
    (_, i: string) => `\${${piece.holes[Number(i)]!.getText(sf)}}`,
  );
  return collapse(shown, 120);
}

/** SQL comments and single-quoted SQL literals (one line at most) blanked out, offsets kept. */
function blankSql(text: string): string {
  const spaces = (s: string) => s.replace(/[^\n]/g, ' ');
  return text
    .replace(/--[^\n]*/g, spaces)
    .replace(/\/\*[\s\S]*?\*\//g, spaces)
    .replace(/'(?:[^'\n]|'')*'/g, spaces);
}

// ------------------------------------------------------------------------------------------------------------
// Resolving `${…}` table names: string constants, constant objects' properties, conditionals, and parameters
// of a private function whose every call (in the same file) passes something resolvable
// ------------------------------------------------------------------------------------------------------------

function unwrap(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isNonNullExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

function property(o: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of o.properties) if (ts.isPropertyAssignment(p) && propertyName(p.name) === name) return p.initializer;
  return undefined;
}

/** A function's name, when only calls in this file can reach it (not exported; a method only when private). */
function privateFunctionName(fn: ts.SignatureDeclaration): string | undefined {
  const exported = (n: ts.Node) => (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
  if (ts.isFunctionDeclaration(fn) && fn.name && !exported(fn)) return fn.name.text;
  if (ts.isMethodDeclaration(fn)) {
    if (ts.isPrivateIdentifier(fn.name)) return fn.name.text;
    const isPrivate = (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Private) !== 0;
    return isPrivate && ts.isIdentifier(fn.name) ? fn.name.text : undefined;
  }
  if (
    (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
    ts.isVariableDeclaration(fn.parent) &&
    ts.isIdentifier(fn.parent.name)
  ) {
    const statement = fn.parent.parent.parent;
    return ts.isVariableStatement(statement) && exported(statement) ? undefined : fn.parent.name.text;
  }
  return undefined;
}

/**
 * When `e` is a parameter of a function other files can call (exported, or a public method): that function's name
 * and the parameter's position, so the value can be looked up at its call sites across the libraries.
 */
function sharedParameter(e: ts.Expression): { fn: string; index: number } | undefined {
  e = unwrap(e);
  if (!ts.isIdentifier(e)) return undefined;
  for (let n: ts.Node | undefined = e.parent; n; n = n.parent) {
    if (!ts.isFunctionLike(n)) continue;
    const index = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === e.text);
    if (index < 0) continue;
    if (privateFunctionName(n) !== undefined) return undefined;
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name))
      return { fn: n.name.text, index };
    if (
      (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) &&
      ts.isVariableDeclaration(n.parent) &&
      ts.isIdentifier(n.parent.name)
    ) {
      return { fn: n.parent.name.text, index };
    }
    return undefined;
  }
  return undefined;
}

function callSites(sf: ts.SourceFile, name: string): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  walk(sf, (n) => {
    if (!ts.isCallExpression(n)) return;
    const callee = n.expression;
    if ((ts.isIdentifier(callee) && callee.text === name) || (ts.isPropertyAccessExpression(callee) && callee.name.text === name))
      out.push(n);
  });
  return out;
}

function constInitializers(sf: ts.SourceFile, name: string): Array<ts.Expression | undefined> {
  const out: Array<ts.Expression | undefined> = [];
  walk(sf, (n) => {
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === name &&
      (ts.getCombinedNodeFlags(n) & ts.NodeFlags.Const) !== 0
    ) {
      out.push(n.initializer);
    }
  });
  return out;
}

type Resolver<T> = (e: ts.Expression, sf: ts.SourceFile, depth: number) => T[] | undefined;

function resolveBinding<T>(id: ts.Identifier, sf: ts.SourceFile, depth: number, resolve: Resolver<T>): T[] | undefined {
  if (depth > 8) return undefined;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (!ts.isFunctionLike(n)) continue;
    const index = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
    if (index < 0) continue;
    const name = privateFunctionName(n);
    const calls = name === undefined ? [] : callSites(sf, name);
    if (calls.length === 0) return undefined;
    const out: T[] = [];
    for (const call of calls) {
      const arg = call.arguments[index] ?? n.parameters[index]!.initializer;
      const values = arg === undefined || ts.isSpreadElement(arg) ? undefined : resolve(arg, sf, depth + 1);
      if (values === undefined) return undefined;
      out.push(...values);
    }
    return out;
  }
  const inits = constInitializers(sf, id.text);
  return inits.length === 1 && inits[0] !== undefined ? resolve(inits[0], sf, depth + 1) : undefined;
}

function resolveObjects(e: ts.Expression, sf: ts.SourceFile, depth = 0): ts.ObjectLiteralExpression[] | undefined {
  if (depth > 8) return undefined;
  e = unwrap(e);
  if (ts.isObjectLiteralExpression(e)) return [e];
  if (ts.isIdentifier(e)) return resolveBinding(e, sf, depth, resolveObjects);
  if (ts.isConditionalExpression(e)) {
    const [a, b] = [resolveObjects(e.whenTrue, sf, depth + 1), resolveObjects(e.whenFalse, sf, depth + 1)];
    return a && b ? [...a, ...b] : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const out: ts.ObjectLiteralExpression[] = [];
    for (const o of resolveObjects(e.expression, sf, depth + 1) ?? []) {
      const init = property(o, e.name.text);
      const inner = init === undefined ? undefined : resolveObjects(init, sf, depth + 1);
      if (inner === undefined) return undefined;
      out.push(...inner);
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

function resolveStrings(e: ts.Expression, sf: ts.SourceFile, depth = 0): string[] | undefined {
  if (depth > 8) return undefined;
  e = unwrap(e);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isIdentifier(e)) return resolveBinding(e, sf, depth, resolveStrings);
  if (ts.isConditionalExpression(e)) {
    const [a, b] = [resolveStrings(e.whenTrue, sf, depth + 1), resolveStrings(e.whenFalse, sf, depth + 1)];
    return a && b ? [...a, ...b] : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const objects = resolveObjects(e.expression, sf, depth + 1);
    if (objects === undefined) return undefined;
    const out: string[] = [];
    for (const o of objects) {
      const init = property(o, e.name.text);
      const values = init === undefined ? undefined : resolveStrings(init, sf, depth + 1);
      if (values === undefined) return undefined;
      out.push(...values);
    }
    return out;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------------------
// SQL statements: which tables a piece of SQL writes and reads
// ------------------------------------------------------------------------------------------------------------

const WORD = String.raw`(?:"[^"]+"|[A-Za-z_${MARK}][\w$${MARK}]*)`;
const NAME = String.raw`${WORD}(?:\.${WORD})?`;
const sqlRe = (source: string) => new RegExp(source, 'gi');

interface WriteForm {
  readonly verb: string;
  readonly re: RegExp;
  /** Group 1 is a comma-separated list of names. */
  readonly list?: boolean;
}
const WRITE_FORMS: readonly WriteForm[] = [
  { verb: 'INSERT INTO', re: sqlRe(String.raw`\bINSERT\s+INTO\s+(${NAME})`) },
  { verb: 'UPDATE', re: sqlRe(String.raw`\bUPDATE\s+(?:ONLY\s+)?(${NAME})`) },
  { verb: 'DELETE FROM', re: sqlRe(String.raw`\bDELETE\s+FROM\s+(?:ONLY\s+)?(${NAME})`) },
  { verb: 'MERGE INTO', re: sqlRe(String.raw`\bMERGE\s+INTO\s+(?:ONLY\s+)?(${NAME})`) },
  { verb: 'COPY … FROM', re: sqlRe(String.raw`\bCOPY\s+(${NAME})(?:\s*\([^)]*\))?\s+FROM\b`) },
  {
    verb: 'TRUNCATE',
    re: sqlRe(String.raw`\bTRUNCATE\s+(?:TABLE\s+)?((?:ONLY\s+)?${NAME}(?:\s*,\s*(?:ONLY\s+)?${NAME})*)`),
    list: true,
  },
  { verb: 'ALTER TABLE', re: sqlRe(String.raw`\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${NAME})`) },
  { verb: 'DROP TABLE', re: sqlRe(String.raw`\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME}(?:\s*,\s*${NAME})*)`), list: true },
  { verb: 'CREATE TABLE', re: sqlRe(String.raw`\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})`) },
];
const TEMP_TABLE = sqlRe(
  String.raw`\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?TEMP(?:ORARY)?\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})`,
);
const COPY_TO = sqlRe(String.raw`\bCOPY\s+(${NAME})(?:\s*\([^)]*\))?\s+TO\b`);
const READ_FROM = sqlRe(String.raw`\b(FROM|JOIN|USING)\s+(?:ONLY\s+)?(${NAME})`);
/** `FROM a x, b y`: the further items of a FROM list. */
const MORE_FROM = new RegExp(String.raw`^(?:\s+(?:AS\s+)?[A-Za-z_]\w*)?\s*,\s*(${NAME})`, 'i');
/** A write keyword ending a literal, its table concatenated on after it: `'UPDATE ' + table`. */
const DANGLING_WRITE = /\b(INSERT\s+INTO|UPDATE(?:\s+ONLY)?|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s+$/;
/** `FOR UPDATE`, `FOR NO KEY UPDATE`, `ON CONFLICT … DO UPDATE`, `ON UPDATE CASCADE`, trigger events. */
const NOT_AN_UPDATE_AFTER = new Set(['FOR', 'KEY', 'DO', 'ON', 'BEFORE', 'AFTER', 'OR', 'INSTEAD']);
const NOT_A_TABLE = new Set(['SET', 'OF', 'SKIP', 'NOWAIT', 'ONLY', 'STDIN', 'STDOUT']);

interface Hit {
  readonly kind: 'write' | 'read' | 'temp';
  readonly verb: string;
  /** The table as written (may hold hole markers). */
  readonly token: string;
  readonly index: number;
  /** The keyword was upper case: certainly SQL (a lower-case one may be prose, see `judgeWrites`). */
  readonly upper: boolean;
}

const previousWord = (text: string, index: number): string =>
  /(\w+)\s*$/.exec(text.slice(Math.max(0, index - 40), index))?.[1]?.toUpperCase() ?? '';
const splitList = (list: string): string[] => list.split(',').map((s) => s.trim().replace(/^ONLY\s+/i, ''));

/** Writes, reads and temp-table declarations in one piece of SQL text; `functions`: migration functions that write tables. */
function sqlHits(raw: string, functions: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Hit[] {
  const text = blankSql(raw);
  const hits: Hit[] = [];
  const upper = (m: RegExpMatchArray) => {
    const keyword = /^\w+/.exec(m[0])![0];
    return keyword === keyword.toUpperCase();
  };
  for (const form of WRITE_FORMS) {
    for (const m of text.matchAll(form.re)) {
      const tokens = form.list ? splitList(m[1]!) : [m[1]!];
      if (form.verb === 'UPDATE' && NOT_AN_UPDATE_AFTER.has(previousWord(text, m.index))) continue;
      for (const token of tokens) {
        if (NOT_A_TABLE.has(token.toUpperCase())) continue;
        hits.push({ kind: 'write', verb: form.verb, token, index: m.index, upper: upper(m) });
      }
    }
  }
  for (const m of text.matchAll(TEMP_TABLE))
    hits.push({ kind: 'temp', verb: 'CREATE TEMP TABLE', token: m[1]!, index: m.index, upper: upper(m) });
  for (const m of text.matchAll(COPY_TO))
    hits.push({ kind: 'read', verb: 'COPY … TO', token: m[1]!, index: m.index, upper: upper(m) });
  for (const m of text.matchAll(READ_FROM)) {
    const verb = m[1]!.toUpperCase();
    // `DELETE FROM t` is a write (above); `IS DISTINCT FROM x` compares values.
    const notARead = verb === 'FROM' && ['DELETE', 'DISTINCT'].includes(previousWord(text, m.index));
    let end = m.index + m[0].length;
    if (!notARead) hits.push({ kind: 'read', verb, token: m[2]!, index: m.index, upper: upper(m) });
    for (let more = MORE_FROM.exec(text.slice(end)); more; more = MORE_FROM.exec(text.slice(end))) {
      hits.push({ kind: 'read', verb, token: more[1]!, index: end, upper: upper(m) });
      end += more[0].length;
    }
  }
  for (const [fn, tables] of functions) {
    if (tables.size === 0) continue;
    for (const m of text.matchAll(sqlRe(String.raw`\b${fn}\s*\(`))) {
      for (const table of tables) hits.push({ kind: 'write', verb: `${fn}()`, token: table, index: m.index, upper: true });
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

/** A table name as Postgres folds it: unquoted → lower case; the `public`/`pg_temp` schema dropped. */
function normalizeName(token: string): string {
  const words = (token.match(new RegExp(WORD, 'g')) ?? []).map((w) => (w.startsWith('"') ? w.slice(1, -1) : w.toLowerCase()));
  const name = words[words.length - 1] ?? token;
  return words.length > 1 && !['public', 'pg_temp'].includes(words[0]!) ? `${words[0]}.${name}` : name;
}

/** The names a table token can take: resolved through its holes, or the hole that could not be resolved. */
function tableNames(
  token: string,
  piece: Piece,
  sf: ts.SourceFile,
): { names: string[]; via?: string } | { unresolvable: string } {
  if (!token.includes(MARK)) return { names: [normalizeName(token)] };
  let names = [''];
  const shown: string[] = [];
  for (const part of token.split(new RegExp(`(${MARK}\\d+${MARK})`))) {
    const hole = new RegExp(`^${MARK}(\\d+)${MARK}$`).exec(part);
    if (!hole) {
      names = names.map((n) => n + part);
      continue;
    }
    const expr = piece.holes[Number(hole[1])]!;
    const values = resolveStrings(expr, sf);
    if (values === undefined) return { unresolvable: `\${${expr.getText(sf)}}` };
    shown.push(`\${${expr.getText(sf)}} ∈ {${[...new Set(values)].join(', ')}}`);
    names = names.flatMap((n) => values.map((v) => n + v));
  }
  return { names: [...new Set(names.map(normalizeName))], via: shown.join(', ') };
}

// ------------------------------------------------------------------------------------------------------------
// Ownership: entities, migrations, the map above
// ------------------------------------------------------------------------------------------------------------

interface EntityTable {
  readonly lib: string;
  readonly className: string;
  readonly table: string;
  readonly file: string;
  readonly line: number;
}

/** TypeORM's default table name for an @Entity() without one. */
const snakeCase = (s: string) =>
  s
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

/** Every @Entity class in these files, with its table and library. */
function entityTables(files: readonly Source[]): EntityTable[] {
  const out: EntityTable[] = [];
  for (const file of files) {
    const lib = libOf(file.path);
    if (lib === undefined || !file.text.includes('Entity')) continue;
    const sf = parse(file);
    walk(sf, (node) => {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const d of ts.getDecorators(node) ?? []) {
        const call = d.expression;
        if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'Entity') continue;
        const arg = call.arguments[0];
        let name: string | undefined;
        if (arg && ts.isStringLiteralLike(arg)) name = arg.text;
        if (arg && ts.isObjectLiteralExpression(arg)) {
          const value = property(arg, 'name');
          if (value && ts.isStringLiteralLike(value)) name = value.text;
        }
        out.push({
          lib,
          className: node.name.text,
          table: name ?? snakeCase(node.name.text),
          file: file.path,
          line: lineOf(sf, node.getStart(sf)),
        });
      }
    });
  }
  return out;
}

interface MigrationSchema {
  /** Table → the migration that created it (as of the last migration). */
  readonly tables: Map<string, string>;
  /** Function → the tables its body writes. */
  readonly functions: Map<string, { writes: Set<string>; file: string }>;
  /** Table → trigger → function it executes. */
  readonly triggers: Map<string, Map<string, string>>;
}

/** The schema the migrations' `up()` build, in file order: tables, functions (and what they write), triggers. */
function migrationSchema(files: readonly Source[]): MigrationSchema {
  const schema: MigrationSchema = { tables: new Map(), functions: new Map(), triggers: new Map() };
  const writesIn = (body: string) =>
    new Set(
      sqlHits(body)
        .filter((h) => h.kind === 'write' && !h.token.includes(MARK))
        .map((h) => normalizeName(h.token)),
    );
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const sf = parse(file);
    const ups: ts.Node[] = [];
    walk(sf, (n) => {
      if ((ts.isMethodDeclaration(n) || ts.isPropertyAssignment(n)) && propertyName(n.name) === 'up') ups.push(n);
    });
    for (const up of ups) {
      // queryRunner.createTable(new Table({ name: 'x', … })) creates a table too.
      walk(up, (n) => {
        if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Table') {
          const arg = n.arguments?.[0];
          const name = arg && ts.isObjectLiteralExpression(arg) ? property(arg, 'name') : undefined;
          if (name && ts.isStringLiteralLike(name)) schema.tables.set(normalizeName(name.text), file.path);
        }
      });
      const text = pieces(sf, up)
        .map((p) => p.text)
        .join('\n;\n');
      const events: Array<{ at: number; apply: () => void }> = [];
      const on = (re: RegExp, apply: (m: RegExpMatchArray) => void) => {
        for (const m of text.matchAll(re)) events.push({ at: m.index, apply: () => apply(m) });
      };
      on(sqlRe(String.raw`\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})`), (m) => {
        schema.tables.set(normalizeName(m[1]!), file.path);
      });
      on(sqlRe(String.raw`\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME}(?:\s*,\s*${NAME})*)`), (m) => {
        for (const t of splitList(m[1]!).map(normalizeName)) {
          schema.tables.delete(t);
          schema.triggers.delete(t);
        }
      });
      on(sqlRe(String.raw`\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${NAME})\s+RENAME\s+TO\s+(${NAME})`), (m) => {
        const [from, to] = [normalizeName(m[1]!), normalizeName(m[2]!)];
        if (schema.tables.delete(from)) schema.tables.set(to, file.path);
        const triggers = schema.triggers.get(from);
        schema.triggers.delete(from);
        if (triggers) schema.triggers.set(to, triggers);
      });
      on(sqlRe(String.raw`\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(${NAME})\s*\([\s\S]*?\bAS\s+(\$\w*\$)([\s\S]*?)\2`), (m) => {
        schema.functions.set(normalizeName(m[1]!), { writes: writesIn(m[3]!), file: file.path });
      });
      on(sqlRe(String.raw`\bDROP\s+FUNCTION\s+(?:IF\s+EXISTS\s+)?(${NAME})`), (m) => {
        schema.functions.delete(normalizeName(m[1]!));
      });
      on(
        sqlRe(
          String.raw`\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+(${NAME})\s+(?:BEFORE|AFTER|INSTEAD\s+OF)\b[\s\S]*?\bON\s+(${NAME})[\s\S]*?\bEXECUTE\s+(?:FUNCTION|PROCEDURE)\s+(${NAME})\s*\(`,
        ),
        (m) => {
          const table = normalizeName(m[2]!);
          const triggers = schema.triggers.get(table) ?? new Map<string, string>();
          triggers.set(normalizeName(m[1]!), normalizeName(m[3]!));
          schema.triggers.set(table, triggers);
        },
      );
      on(sqlRe(String.raw`\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(${NAME})\s+ON\s+(${NAME})`), (m) => {
        schema.triggers.get(normalizeName(m[2]!))?.delete(normalizeName(m[1]!));
      });
      for (const e of events.sort((a, b) => a.at - b.at)) e.apply();
    }
  }
  return schema;
}

interface Owner {
  readonly lib: string;
  /** Where the claim comes from, for messages. */
  readonly source: string;
}
interface Ownership {
  readonly owners: ReadonlyMap<string, Owner>;
  /** Entity class name → table, for ORM calls. */
  readonly entityClasses: ReadonlyMap<string, string>;
  /** Migration functions → the tables they write (calling one writes those). */
  readonly functionWrites: ReadonlyMap<string, ReadonlySet<string>>;
  /** Table → tables its triggers write (writing it writes those too). */
  readonly triggerWrites: ReadonlyMap<string, ReadonlySet<string>>;
  /** Inconsistencies: a table with two owners, a migration table with none, a stale map entry. */
  readonly problems: readonly string[];
}

function buildOwnership(
  entities: readonly EntityTable[],
  schema: MigrationSchema,
  migrationOnly: Readonly<Record<string, { readonly lib: string; readonly why: string }>>,
  libs: ReadonlySet<string>,
): Ownership {
  const owners = new Map<string, Owner>();
  const problems: string[] = [];
  const claim = (table: string, owner: Owner) => {
    const existing = owners.get(table);
    if (existing && existing.lib !== owner.lib)
      problems.push(`table ${table} has two owners: ${existing.lib} (${existing.source}) and ${owner.lib} (${owner.source})`);
    if (!existing) owners.set(table, owner);
  };
  for (const e of entities) claim(e.table, { lib: e.lib, source: `${e.file}:${e.line} @Entity ${e.className}` });
  const entityTableNames = new Set(entities.map((e) => e.table));
  for (const [table, { lib, why }] of Object.entries(migrationOnly)) {
    if (!libs.has(lib)) problems.push(`MIGRATION_ONLY_OWNERS.${table}: no library named ${lib}`);
    if (!schema.tables.has(table)) problems.push(`MIGRATION_ONLY_OWNERS.${table}: no migration creates this table (stale entry)`);
    if (entityTableNames.has(table))
      problems.push(`MIGRATION_ONLY_OWNERS.${table}: an entity describes it, so the entry is not needed`);
    claim(table, { lib, source: `MIGRATION_ONLY_OWNERS (${why})` });
  }
  for (const [table, migration] of schema.tables) {
    if (!owners.has(table)) {
      problems.push(`table ${table} (created by ${migration}) has no owner: no @Entity, no entry in MIGRATION_ONLY_OWNERS`);
    }
  }
  const triggerWrites = new Map<string, Set<string>>();
  for (const [table, triggers] of schema.triggers) {
    for (const fn of triggers.values()) {
      for (const written of schema.functions.get(fn)?.writes ?? []) {
        triggerWrites.set(table, (triggerWrites.get(table) ?? new Set()).add(written));
      }
    }
  }
  return {
    owners,
    entityClasses: new Map(entities.map((e) => [e.className, e.table])),
    functionWrites: new Map([...schema.functions].map(([fn, f]) => [fn, f.writes])),
    triggerWrites,
    problems,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Rule 1: a library writes only its own tables
// ------------------------------------------------------------------------------------------------------------

interface Access {
  readonly file: string;
  readonly line: number;
  readonly lib: string;
  readonly verb: string;
  readonly table: string;
  readonly upper: boolean;
  readonly via?: string;
  readonly excerpt: string;
}
interface Unresolvable {
  readonly file: string;
  readonly line: number;
  readonly lib: string;
  readonly verb: string;
  readonly expression: string;
  readonly excerpt: string;
}
interface SqlScan {
  readonly writes: Access[];
  readonly reads: Access[];
  readonly unresolvable: Unresolvable[];
  /** Library → temporary table → the file that creates it. */
  readonly temps: Map<string, Map<string, string>>;
}

const ORM_WRITES = new Set([
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'softDelete',
  'softRemove',
  'restore',
  'increment',
  'decrement',
  'clear',
  'create',
  'into',
]);
const ORM_READS = new Set([
  'find',
  'findOne',
  'findBy',
  'findOneBy',
  'findAndCount',
  'findOneOrFail',
  'findOneByOrFail',
  'count',
  'countBy',
  'exists',
  'existsBy',
  'sum',
  'average',
  'minimum',
  'maximum',
]);
const ORM_HANDLES = new Set(['getRepository', 'getTreeRepository', 'InjectRepository', 'withRepository']);

/** Whether a call chain (`qb.delete().from(X)`) has a `.delete()` before this call. */
function chainHasDelete(call: ts.CallExpression): boolean {
  for (let e: ts.Expression = call.expression; ;) {
    if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e)) {
      if (ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'delete') return true;
      e = e.expression;
    } else return false;
  }
}

/** The SQL and ORM accesses of these library files (not specs, not migrations: the caller chooses the files). */
function scanLibrarySql(files: readonly Source[], ownership: Pick<Ownership, 'entityClasses' | 'functionWrites'>): SqlScan {
  const scan: SqlScan = { writes: [], reads: [], unresolvable: [], temps: new Map() };
  const parsed: Array<{ file: Source; lib: string; sf: ts.SourceFile }> = [];
  /** Table names that are a parameter of a shared SQL builder: resolved at its call sites, in the callers' libraries. */
  const deferred: Array<{
    fn: string;
    index: number;
    hit: Hit;
    file: string;
    line: number;
    lib: string;
    excerpt: string;
    expression: string;
  }> = [];
  for (const file of files) {
    const lib = libOf(file.path);
    if (lib === undefined) continue;
    const sf = parse(file);
    parsed.push({ file, lib, sf });
    for (const piece of pieces(sf)) {
      const at = (index: number) => lineOf(sf, positionOf(piece, index));
      const dangling = DANGLING_WRITE.exec(blankSql(piece.text));
      if (dangling) {
        const verb = dangling[1]!.replace(/\s+/g, ' ');
        scan.unresolvable.push({
          file: file.path,
          line: at(dangling.index),
          lib,
          verb,
          expression: '(outside the literal)',
          excerpt: excerptAt(piece, dangling.index, sf),
        });
      }
      for (const hit of sqlHits(piece.text, ownership.functionWrites)) {
        const resolved = tableNames(hit.token, piece, sf);
        const line = at(hit.index);
        const excerpt = excerptAt(piece, hit.index, sf);
        if ('unresolvable' in resolved) {
          const hole = new RegExp(`^${MARK}(\\d+)${MARK}$`).exec(hit.token);
          const shared = hole ? sharedParameter(piece.holes[Number(hole[1])]!) : undefined;
          if (shared) deferred.push({ ...shared, hit, file: file.path, line, lib, excerpt, expression: resolved.unresolvable });
          else if (hit.kind === 'write')
            scan.unresolvable.push({ file: file.path, line, lib, verb: hit.verb, expression: resolved.unresolvable, excerpt });
          continue;
        }
        for (const table of resolved.names) {
          const access: Access = {
            file: file.path,
            line,
            lib,
            verb: hit.verb,
            table,
            upper: hit.upper,
            excerpt,
            ...(resolved.via ? { via: resolved.via } : {}),
          };
          if (hit.kind === 'temp') {
            const temps = scan.temps.get(lib) ?? new Map<string, string>();
            temps.set(table, file.path);
            scan.temps.set(lib, temps);
          } else (hit.kind === 'write' ? scan.writes : scan.reads).push(access);
        }
      }
    }
    // TypeORM: manager.save(manager.create(X, …)), getRepository(X).update(…), qb.delete().from(X), @InjectRepository(X).
    walk(sf, (node) => {
      if (!ts.isCallExpression(node)) return;
      const callee = node.expression;
      const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const arg = node.arguments[0];
      const table = arg && ts.isIdentifier(arg) ? ownership.entityClasses.get(arg.text) : undefined;
      if (method === undefined || table === undefined) return;
      const line = lineOf(sf, node.getStart(sf));
      const excerpt = collapse(node.getText(sf), 120);
      const record = (kind: 'write' | 'read', verb: string) =>
        (kind === 'write' ? scan.writes : scan.reads).push({ file: file.path, line, lib, verb, table, upper: true, excerpt });
      if (ORM_HANDLES.has(method)) {
        const parent = node.parent;
        const next = ts.isPropertyAccessExpression(parent) && ts.isCallExpression(parent.parent) ? parent.name.text : undefined;
        if (next !== undefined && ORM_READS.has(next)) record('read', `ORM ${method}(${arg!.getText(sf)}).${next}`);
        else if (next !== undefined && ORM_WRITES.has(next)) record('write', `ORM ${method}(${arg!.getText(sf)}).${next}`);
        else record('write', `ORM ${method}(${arg!.getText(sf)}) (a repository can write)`);
      } else if (ORM_WRITES.has(method)) record('write', `ORM ${method}(${arg!.getText(sf)})`);
      else if (method === 'from')
        record(
          chainHasDelete(node) ? 'write' : 'read',
          `ORM ${chainHasDelete(node) ? 'delete().' : ''}from(${arg!.getText(sf)})`,
        );
      else if (ORM_READS.has(method)) record('read', `ORM ${method}(${arg!.getText(sf)})`);
    });
  }
  // A shared builder (`statusUpdateSql(table, …)`) writes whatever its callers pass: each call is judged as a write
  // by the calling library, at the call; a builder nobody calls, or a call whose argument cannot be resolved, is
  // unresolvable.
  for (const d of deferred) {
    const calls = parsed.flatMap((p) => callSites(p.sf, d.fn).map((call) => ({ ...p, call })));
    const isWrite = d.hit.kind === 'write';
    if (calls.length === 0 && isWrite) {
      scan.unresolvable.push({
        file: d.file,
        line: d.line,
        lib: d.lib,
        verb: d.hit.verb,
        expression: d.expression,
        excerpt: d.excerpt,
      });
    }
    for (const { file, lib, sf, call } of calls) {
      const arg = call.arguments[d.index];
      const values = arg === undefined || ts.isSpreadElement(arg) ? undefined : resolveStrings(arg, sf);
      const line = lineOf(sf, call.getStart(sf));
      if (values === undefined) {
        const shown = `${d.fn}(…${arg?.getText(sf) ?? '(missing)'}…)`;
        if (isWrite)
          scan.unresolvable.push({ file: file.path, line, lib, verb: d.hit.verb, expression: shown, excerpt: d.excerpt });
        continue;
      }
      for (const table of new Set(values.map(normalizeName))) {
        const access: Access = {
          file: file.path,
          line,
          lib,
          verb: d.hit.verb,
          table,
          upper: d.hit.upper,
          via: `${d.fn}() of ${d.file}:${d.line}`,
          excerpt: d.excerpt,
        };
        (isWrite ? scan.writes : scan.reads).push(access);
      }
    }
  }
  return scan;
}

const allowKey = (file: string, expression: string) => `${file}\u0000${expression}`;

/** The violations of rule 1, one line each, and the allowlist entries that matched nothing. */
function judgeWrites(
  scan: SqlScan,
  ownership: Pick<Ownership, 'owners' | 'triggerWrites'>,
  allowlist: readonly Allowed[],
): string[] {
  const out = new Set<string>();
  const allowed = new Set(allowlist.map((a) => allowKey(a.file, a.expression)));
  const used = new Set<string>();
  for (const w of scan.writes) {
    const at = `${w.file}:${w.line} [${w.lib}] ${w.verb} ${w.table}`;
    const via = w.via ? ` (via ${w.via})` : '';
    const owner = ownership.owners.get(w.table);
    if (owner) {
      if (owner.lib === w.lib) continue;
      const cascade = [...(ownership.triggerWrites.get(w.table) ?? [])];
      const alsoWrites = cascade.length > 0 && w.verb !== 'ALTER TABLE' ? `; its triggers also write ${cascade.join(', ')}` : '';
      out.add(`${at} — owned by ${owner.lib}, not ${w.lib}${via}${alsoWrites} | ${w.excerpt}`);
      continue;
    }
    if (scan.temps.get(w.lib)?.has(w.table)) continue;
    const tempOwner = [...scan.temps].find(([, tables]) => tables.has(w.table));
    if (tempOwner) {
      out.add(
        `${at} — a temporary table created by ${tempOwner[0]} (${tempOwner[1].get(w.table)}), not ${w.lib}${via} | ${w.excerpt}`,
      );
      continue;
    }
    // A lower-case keyword before an unknown name is taken for prose ("update the list"), not SQL.
    if (w.upper)
      out.add(
        `${at} — no library owns ${w.table} (no @Entity, no migration-only entry, no temp table of ${w.lib})${via} | ${w.excerpt}`,
      );
  }
  for (const u of scan.unresolvable) {
    const key = allowKey(u.file, u.expression);
    if (allowed.has(key)) {
      used.add(key);
      continue;
    }
    out.add(
      `${u.file}:${u.line} [${u.lib}] ${u.verb} ${u.expression} — table name unresolvable (use a constant, or allowlist it with a reason) | ${u.excerpt}`,
    );
  }
  const place = (v: string) => /^(\S+):(\d+) /.exec(v) ?? [v, v, '0'];
  const sorted = [...out].sort((a, b) => place(a)[1]!.localeCompare(place(b)[1]!) || Number(place(a)[2]) - Number(place(b)[2]));
  for (const a of allowlist) {
    if (!used.has(allowKey(a.file, a.expression)))
      sorted.push(`UNRESOLVABLE_ALLOWLIST: ${a.file} ${a.expression} matches nothing (stale entry; reason was: ${a.reason})`);
  }
  return sorted;
}

/** Reads of tables another library owns, grouped: `reader → table (owner): file:line, …`. Informational. */
function foreignReads(scan: SqlScan, owners: ReadonlyMap<string, Owner>): string[] {
  const groups = new Map<string, Set<string>>();
  for (const r of scan.reads) {
    const owner = owners.get(r.table);
    if (!owner || owner.lib === r.lib) continue;
    const key = `${r.lib} reads ${r.table} (owner ${owner.lib})`;
    groups.set(key, (groups.get(key) ?? new Set()).add(`${r.file}:${r.line}`));
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, sites]) => `${key}: ${[...sites].join(', ')}`);
}

// ------------------------------------------------------------------------------------------------------------
// Rules 2 and 3: imports
// ------------------------------------------------------------------------------------------------------------

interface ImportSite {
  readonly file: string;
  readonly line: number;
  readonly spec: string;
  readonly excerpt: string;
}

const JEST_MODULE_CALLS = new Set([
  'mock',
  'unstable_mockModule',
  'doMock',
  'setMock',
  'requireActual',
  'importActual',
  'requireMock',
  'createMockFromModule',
]);

/** Every module specifier in a file: import/export … from, import(), require(), jest.mock(), import('x').T. */
function importSites(file: Source): ImportSite[] {
  const sf = parse(file);
  const out: ImportSite[] = [];
  const add = (literal: ts.StringLiteralLike, statement: ts.Node) =>
    out.push({
      file: file.path,
      line: lineOf(sf, literal.getStart(sf)),
      spec: literal.text,
      excerpt: collapse(statement.getText(sf), 160),
    });
  walk(sf, (n) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n.moduleSpecifier, n);
    } else if (
      ts.isImportEqualsDeclaration(n) &&
      ts.isExternalModuleReference(n.moduleReference) &&
      ts.isStringLiteral(n.moduleReference.expression)
    ) {
      add(n.moduleReference.expression, n);
    } else if (ts.isCallExpression(n) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      const callee = n.expression;
      const isModuleCall =
        callee.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(callee) && callee.text === 'require') ||
        (ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          ((callee.expression.text === 'jest' && JEST_MODULE_CALLS.has(callee.name.text)) ||
            (callee.expression.text === 'require' && callee.name.text === 'resolve')));
      if (isModuleCall) add(n.arguments[0], n);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal, n);
    }
  });
  return out;
}

/** Where a specifier points: a library (by alias or by path), an app (by path), or elsewhere. */
function targetOf(site: ImportSite): { lib?: string; deep?: boolean; app?: string; resolved?: string } {
  const alias = /^@herald\/([^/]+)(\/.*)?$/.exec(site.spec);
  if (alias) return { lib: alias[1]!, deep: alias[2] !== undefined };
  if (!site.spec.startsWith('.')) return {};
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(site.file), site.spec));
  const app = /^apps\/([^/]+)/.exec(resolved)?.[1];
  return { resolved, ...(libOf(resolved) !== undefined ? { lib: libOf(resolved)! } : {}), ...(app !== undefined ? { app } : {}) };
}

/** Rule 2: `@herald/<lib>` only — no deep alias, no relative path into another library's files. */
function importViolations(sites: readonly ImportSite[], libs: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const site of sites) {
    const at = `${site.file}:${site.line}`;
    const target = targetOf(site);
    if (target.lib === undefined) continue;
    if (site.spec.startsWith('@herald/')) {
      if (target.deep)
        out.push(`${at} deep import '${site.spec}': import '@herald/${target.lib}' (its index.ts) only | ${site.excerpt}`);
      else if (!libs.has(target.lib))
        out.push(`${at} '${site.spec}' names no library (no libs/${target.lib}/src/index.ts) | ${site.excerpt}`);
    } else if (target.lib !== libOf(site.file)) {
      out.push(
        `${at} reaches into libs/${target.lib} internals ('${site.spec}' → ${target.resolved}): import '@herald/${target.lib}' | ${site.excerpt}`,
      );
    }
  }
  return out;
}

interface LibraryGraph {
  /** From → to → the first import site that makes the arrow (non-spec files). */
  readonly edges: Map<string, Map<string, ImportSite>>;
  /** Rule 3: a library file importing an app. */
  readonly appImports: string[];
}

function libraryGraph(sites: readonly ImportSite[]): LibraryGraph {
  const graph: LibraryGraph = { edges: new Map(), appImports: [] };
  for (const site of sites) {
    const from = libOf(site.file);
    if (from === undefined) continue;
    const target = targetOf(site);
    if (target.app !== undefined)
      graph.appImports.push(
        `${site.file}:${site.line} libs/${from} imports the app apps/${target.app} (${target.resolved}) | ${site.excerpt}`,
      );
    // A relative import inside the library is its own business; `@herald/<itself>` goes through its index: a cycle.
    if (isSpec(site.file) || target.lib === undefined || (target.lib === from && !site.spec.startsWith('@herald/'))) continue;
    const to = graph.edges.get(from) ?? new Map<string, ImportSite>();
    if (!to.has(target.lib)) to.set(target.lib, site);
    graph.edges.set(from, to);
  }
  return graph;
}

/** One shortest cycle per strongly connected component (a self-import is a cycle of one), as `a → b → a`. */
function findCycles(edges: ReadonlyMap<string, ReadonlyMap<string, ImportSite>>): string[][] {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      components.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) connect(v);
  const cycles: string[][] = [];
  for (const component of components) {
    const start = component[0]!;
    if (component.length === 1 && !edges.get(start)?.has(start)) continue;
    const members = new Set(component);
    const previous = new Map<string, string>();
    const queue = [start];
    let last: string | undefined;
    while (queue.length > 0 && last === undefined) {
      const v = queue.shift()!;
      for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
        if (!members.has(w)) continue;
        if (w === start) {
          last = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const cycle = [start];
    for (let v = last!; v !== start; v = previous.get(v)!) cycle.splice(1, 0, v);
    cycles.push([...cycle, start]);
  }
  return cycles;
}

function describeCycle(cycle: readonly string[], edges: ReadonlyMap<string, ReadonlyMap<string, ImportSite>>): string {
  const steps = cycle.slice(1).map((to, i) => {
    const site = edges.get(cycle[i]!)!.get(to)!;
    return `→ ${to} (${site.file}:${site.line} ${site.excerpt})`;
  });
  return `cycle ${cycle.join(' → ')}: ${cycle[0]} ${steps.join(' ')}`;
}

/** `lib → deps` lines, lowest libraries first (by longest path down). */
function describeGraph(edges: ReadonlyMap<string, ReadonlyMap<string, ImportSite>>, libs: readonly string[]): string[] {
  const depth = new Map<string, number>();
  const depthOf = (lib: string, seen: Set<string>): number => {
    if (depth.has(lib)) return depth.get(lib)!;
    if (seen.has(lib)) return 0;
    seen.add(lib);
    const d = Math.max(-1, ...[...(edges.get(lib)?.keys() ?? [])].filter((x) => x !== lib).map((x) => depthOf(x, seen))) + 1;
    depth.set(lib, d);
    return d;
  };
  return [...libs]
    .sort((a, b) => depthOf(a, new Set()) - depthOf(b, new Set()) || a.localeCompare(b))
    .map(
      (lib) => `  [${depthOf(lib, new Set())}] ${lib} → ${[...(edges.get(lib)?.keys() ?? [])].sort().join(', ') || '(nothing)'}`,
    );
}

// ============================================================================================================
// The detectors, proved on planted violations
// ============================================================================================================

const FAKE_LIBS = new Set(['campaigns', 'messaging', 'contacts', 'workspaces', 'queues']);
const FAKE_ENTITIES: readonly Source[] = [
  src(
    'libs/campaigns/src/campaign-recipient.entity.ts',
    `@Entity({ name: 'campaign_recipients' })\nexport class CampaignRecipient {}`,
  ),
  src('libs/campaigns/src/campaign.entity.ts', `@Entity('campaigns')\nexport class Campaign {}`),
  src('libs/messaging/src/message.entity.ts', `@Entity({ name: 'messages' })\nexport class Message {}`),
  src('libs/workspaces/src/workspace-setting.entity.ts', `@Entity()\nexport class WorkspaceSetting {}`),
  src('libs/workspaces/src/workspace-owned.entity.ts', `export abstract class WorkspaceOwned {}`),
];
const FAKE_MIGRATIONS: readonly Source[] = [
  src(
    'libs/database/src/migrations/1-create.ts',
    [
      'export class Create1 implements MigrationInterface {',
      '  public async up(q: QueryRunner): Promise<void> {',
      '    await q.query(`CREATE TABLE "campaign_recipients" ("id" bigint)`);',
      '    await q.query(`CREATE TABLE "campaigns" ("id" uuid)`);',
      '    await q.query(`CREATE TABLE "messages" ("id" uuid)`);',
      '    await q.query(`CREATE TABLE "workspace_setting" ("id" uuid)`);',
      '    await q.query(`CREATE TABLE "run_counts" ("n" bigint)`);',
      '    await q.query(`CREATE TABLE "scratch" ("n" bigint)`);',
      '    await q.query(`CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO run_counts (n) VALUES (1); RETURN NULL; END $$`);',
      '    await q.query(`CREATE TRIGGER counted AFTER UPDATE ON campaign_recipients FOR EACH STATEMENT EXECUTE FUNCTION bump()`);',
      '    await q.query(`CREATE FUNCTION purge_messages() RETURNS void LANGUAGE sql AS $$ DELETE FROM messages WHERE false $$`);',
      '  }',
      '  public async down(q: QueryRunner): Promise<void> {',
      '    await q.query(`CREATE TABLE "only_in_down" ("n" bigint)`);',
      '  }',
      '}',
    ].join('\n'),
  ),
  src(
    'libs/database/src/migrations/2-drop-scratch.ts',
    'export class Drop2 { public async up(q: QueryRunner): Promise<void> { await q.query(`DROP TABLE "scratch"`); } }',
  ),
];
const FAKE_MIGRATION_ONLY = { run_counts: { lib: 'campaigns', why: 'kept by the campaign_recipients trigger' } };
const fakeOwnership = (migrationOnly: Readonly<Record<string, { lib: string; why: string }>> = FAKE_MIGRATION_ONLY) =>
  buildOwnership(entityTables(FAKE_ENTITIES), migrationSchema(FAKE_MIGRATIONS), migrationOnly, FAKE_LIBS);
const judgeFake = (files: readonly Source[], allowlist: readonly Allowed[] = []) => {
  const ownership = fakeOwnership();
  return judgeWrites(scanLibrarySql(files, ownership), ownership, allowlist);
};

describe('architecture detectors (planted violations)', () => {
  it('derives owners from @Entity classes (named, string, default) and migrations up() only', () => {
    expect(entityTables(FAKE_ENTITIES).map((e) => `${e.lib}:${e.table}`)).toEqual([
      'campaigns:campaign_recipients',
      'campaigns:campaigns',
      'messaging:messages',
      'workspaces:workspace_setting',
    ]);
    const schema = migrationSchema(FAKE_MIGRATIONS);
    expect([...schema.tables.keys()].sort()).toEqual([
      'campaign_recipients',
      'campaigns',
      'messages',
      'run_counts',
      'workspace_setting',
    ]);
    expect([...schema.functions.get('bump')!.writes]).toEqual(['run_counts']);
    expect([...schema.triggers.get('campaign_recipients')!]).toEqual([['counted', 'bump']]);
    const ownership = fakeOwnership();
    expect(ownership.problems).toEqual([]);
    expect(ownership.owners.get('run_counts')!.lib).toBe('campaigns');
    expect([...ownership.triggerWrites.get('campaign_recipients')!]).toEqual(['run_counts']);
  });

  it('reports a migration table without an owner, and stale or conflicting map entries', () => {
    expect(fakeOwnership({}).problems).toEqual([
      expect.stringContaining('table run_counts (created by libs/database/src/migrations/1-create.ts) has no owner'),
    ]);
    const problems = fakeOwnership({
      ...FAKE_MIGRATION_ONLY,
      scratch: { lib: 'campaigns', why: 'dropped since' },
      messages: { lib: 'campaigns', why: 'wrong' },
      run_counts: { lib: 'nope', why: 'no such lib' },
    }).problems.join('\n');
    expect(problems).toContain('MIGRATION_ONLY_OWNERS.scratch: no migration creates this table');
    expect(problems).toContain('MIGRATION_ONLY_OWNERS.messages: an entity describes it');
    expect(problems).toContain('table messages has two owners: messaging');
    expect(problems).toContain('MIGRATION_ONLY_OWNERS.run_counts: no library named nope');
  });

  it('flags messaging writing campaign_recipients, with file:line, owner and trigger cascade', () => {
    const violations = judgeFake([
      src(
        'libs/messaging/src/fake.repository.ts',
        `export const q = 'UPDATE campaign_recipients SET status = $1 WHERE id = $2';`,
      ),
    ]);
    expect(violations).toEqual([
      `libs/messaging/src/fake.repository.ts:1 [messaging] UPDATE campaign_recipients — owned by campaigns, not messaging; its triggers also write run_counts | UPDATE campaign_recipients SET status = $1 WHERE id = $2`,
    ]);
  });

  it('recognises every write form', () => {
    const text = [
      'const a = `INSERT INTO campaigns (id) VALUES ($1)`;',
      'const b = `DELETE FROM ONLY campaigns WHERE id = $1`;',
      "const c = 'COPY campaigns (id, title) FROM STDIN';",
      'const d = `TRUNCATE TABLE messages, campaigns`;',
      'const e = `MERGE INTO campaigns c USING x ON true WHEN MATCHED THEN DO NOTHING`;',
      'const f = `WITH moved AS (INSERT INTO "public"."campaigns" (id) SELECT 1 RETURNING id) SELECT * FROM moved`;',
      'const g = `INSERT INTO campaigns (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title`;',
      'const h = `ALTER TABLE campaigns ADD COLUMN x int`;',
      'const i = `SELECT purge_messages()`;',
      'const j = `update campaigns set title = $1`;',
    ].join('\n');
    const violations = judgeFake([src('libs/contacts/src/forms.repository.ts', text)]);
    const found = violations.map((v) => /^\S+:(\d+) \[contacts\] (.+?) (\S+) —/.exec(v)!.slice(1).join(' '));
    expect(found).toEqual([
      '1 INSERT INTO campaigns',
      '2 DELETE FROM campaigns',
      '3 COPY … FROM campaigns',
      '4 TRUNCATE messages',
      '4 TRUNCATE campaigns',
      '5 MERGE INTO campaigns',
      '6 INSERT INTO campaigns',
      '7 INSERT INTO campaigns',
      '8 ALTER TABLE campaigns',
      '9 purge_messages() messages',
      '10 UPDATE campaigns',
    ]);
  });

  it('does not take locks, upserts, comments, SQL literals or prose for writes; reports reads apart', () => {
    const text = [
      '// UPDATE campaigns SET title = 1 (a TypeScript comment)',
      'const a = `SELECT c.id FROM campaigns c JOIN campaign_recipients r ON r.id = c.id FOR UPDATE OF c SKIP LOCKED`;',
      'const b = `SELECT 1 FROM messages m, campaigns x FOR NO KEY UPDATE`;',
      'const c = `INSERT INTO messages (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id`;',
      "const d = `SELECT 'UPDATE campaigns SET x' AS s -- DELETE FROM campaigns\n FROM messages`;",
      "const e = 'Could not update the campaign: delete from list first';",
      "const f = 'COPY data to the clipboard';",
    ].join('\n');
    const ownership = fakeOwnership();
    const scan = scanLibrarySql([src('libs/messaging/src/quiet.repository.ts', text)], ownership);
    expect(judgeWrites(scan, ownership, [])).toEqual([]);
    // Lower-case "update the …" / "delete from list" are seen, and dropped by the judge: no table of that name.
    expect(scan.writes.filter((w) => w.upper).map((w) => `${w.line} ${w.table}`)).toEqual(['4 messages']);
    expect(foreignReads(scan, ownership.owners)).toEqual([
      'messaging reads campaign_recipients (owner campaigns): libs/messaging/src/quiet.repository.ts:2',
      'messaging reads campaigns (owner campaigns): libs/messaging/src/quiet.repository.ts:2, libs/messaging/src/quiet.repository.ts:3',
    ]);
  });

  it('resolves ${…} table names through constants, constant objects, conditionals and private call sites', () => {
    const text = [
      'interface Sent { readonly table: string }',
      "const OWN: Sent = { table: 'messages' };",
      "const THEIRS: Sent = { table: 'campaign_recipients' };",
      'function statusSql(t: Sent): string {',
      '  return `WITH x AS (SELECT 1)',
      '    UPDATE ${t.table} m SET status = $1`;',
      '}',
      'export const a = [statusSql(OWN), statusSql(THEIRS)];',
      "const TABLE = 'campaigns';",
      'export const b = `DELETE FROM ${TABLE} WHERE id = $1`;',
      "export const c = (flag: boolean) => `UPDATE ${flag ? 'messages' : 'campaigns'} SET x = 1`;",
    ].join('\n');
    expect(judgeFake([src('libs/messaging/src/templated.repository.ts', text)])).toEqual([
      'libs/messaging/src/templated.repository.ts:6 [messaging] UPDATE campaign_recipients — owned by campaigns, not messaging (via ${t.table} ∈ {messages, campaign_recipients}); its triggers also write run_counts | UPDATE ${t.table} m SET status = $1',
      'libs/messaging/src/templated.repository.ts:10 [messaging] DELETE FROM campaigns — owned by campaigns, not messaging (via ${TABLE} ∈ {campaigns}) | DELETE FROM ${TABLE} WHERE id = $1',
      "libs/messaging/src/templated.repository.ts:11 [messaging] UPDATE campaigns — owned by campaigns, not messaging (via ${flag ? 'messages' : 'campaigns'} ∈ {messages, campaigns}) | UPDATE ${flag ? 'messages' : 'campaigns'} SET x = 1",
    ]);
  });

  it('flags a table name it cannot resolve, unless allowlisted; a stale allowlist entry fails', () => {
    const file = 'libs/messaging/src/dynamic.repository.ts';
    const text = [
      'export function wipe(table: string): string {',
      '  return `TRUNCATE ${table}`;',
      '}',
      "export const set = (name: string) => 'UPDATE ' + name + ' SET x = 1';",
    ].join('\n');
    expect(judgeFake([src(file, text)])).toEqual([
      `${file}:2 [messaging] TRUNCATE \${table} — table name unresolvable (use a constant, or allowlist it with a reason) | TRUNCATE \${table}`,
      `${file}:4 [messaging] UPDATE (outside the literal) — table name unresolvable (use a constant, or allowlist it with a reason) | UPDATE`,
    ]);
    const allow: Allowed[] = [
      { file, expression: '${table}', reason: 'test' },
      { file, expression: '(outside the literal)', reason: 'test' },
    ];
    expect(judgeFake([src(file, text)], allow)).toEqual([]);
    expect(judgeFake([src(file, "export const q = 'SELECT 1';")], allow)).toEqual([
      `UNRESOLVABLE_ALLOWLIST: ${file} \${table} matches nothing (stale entry; reason was: test)`,
      `UNRESOLVABLE_ALLOWLIST: ${file} (outside the literal) matches nothing (stale entry; reason was: test)`,
    ]);
  });

  it('judges a shared SQL builder at each call, as a write by the calling library', () => {
    const builder = src(
      'libs/queues/src/status-sql.util.ts',
      'export function statusSql(table: string, extra: string): string {\n  return `UPDATE ${table} m SET status = $1 ${extra}`;\n}',
    );
    const own = src(
      'libs/messaging/src/message.repository.ts',
      "import { statusSql } from '@herald/queues';\nexport const a = statusSql('messages', '');",
    );
    const theirs = src(
      'libs/messaging/src/recipients.repository.ts',
      "import { statusSql } from '@herald/queues';\n\nexport const b = statusSql('campaign_recipients', '');",
    );
    const opaque = src(
      'libs/contacts/src/any.repository.ts',
      "import { statusSql } from '@herald/queues';\nexport const c = (t: string) => statusSql(t, '');",
    );
    expect(judgeFake([builder, own, theirs, opaque])).toEqual([
      'libs/contacts/src/any.repository.ts:2 [contacts] UPDATE statusSql(…t…) — table name unresolvable (use a constant, or allowlist it with a reason) | UPDATE ${table} m SET status = $1 ${extra}',
      'libs/messaging/src/recipients.repository.ts:3 [messaging] UPDATE campaign_recipients — owned by campaigns, not messaging (via statusSql() of libs/queues/src/status-sql.util.ts:2); its triggers also write run_counts | UPDATE ${table} m SET status = $1 ${extra}',
    ]);
    expect(judgeFake([builder])).toEqual([
      'libs/queues/src/status-sql.util.ts:2 [queues] UPDATE ${table} — table name unresolvable (use a constant, or allowlist it with a reason) | UPDATE ${table} m SET status = $1 ${extra}',
    ]);
  });

  it('lets a library write the temp tables it creates, not another library, and flags tables nobody owns', () => {
    const violations = judgeFake([
      src('libs/contacts/src/staging.repository.ts', "export const a = 'CREATE TEMP TABLE IF NOT EXISTS import_batch (n int)';"),
      src(
        'libs/contacts/src/staging.session.ts',
        "export const b = ['TRUNCATE import_batch', 'COPY import_batch (n) FROM STDIN', 'DROP TABLE IF EXISTS import_batch'];",
      ),
      src(
        'libs/messaging/src/sneaky.repository.ts',
        "export const c = 'INSERT INTO import_batch (n) VALUES (1)';\nexport const d = 'INSERT INTO nowhere (n) VALUES (1)';",
      ),
    ]);
    expect(violations).toEqual([
      'libs/messaging/src/sneaky.repository.ts:1 [messaging] INSERT INTO import_batch — a temporary table created by contacts (libs/contacts/src/staging.repository.ts), not messaging | INSERT INTO import_batch (n) VALUES (1)',
      'libs/messaging/src/sneaky.repository.ts:2 [messaging] INSERT INTO nowhere — no library owns nowhere (no @Entity, no migration-only entry, no temp table of messaging) | INSERT INTO nowhere (n) VALUES (1)',
    ]);
  });

  it('flags TypeORM writes and repositories of another library’s entities', () => {
    const text = [
      'export class Repo {',
      '  constructor(@InjectRepository(Message) private readonly messages: Repository<Message>, private readonly ds: DataSource) {}',
      '  async go(manager: EntityManager) {',
      "    await manager.save(manager.create(WorkspaceSetting, { name: 'x' }));",
      '    await this.ds.getRepository(Message).find();',
      '    await this.ds.createQueryBuilder().delete().from(Message).execute();',
      '    await manager.save(manager.create(Campaign, {}));',
      '  }',
      '}',
    ].join('\n');
    const found = judgeFake([src('libs/campaigns/src/orm.repository.ts', text)]).map((v) => v.split(' | ')[0]);
    expect(found).toEqual([
      'libs/campaigns/src/orm.repository.ts:2 [campaigns] ORM InjectRepository(Message) (a repository can write) messages — owned by messaging, not campaigns',
      'libs/campaigns/src/orm.repository.ts:4 [campaigns] ORM create(WorkspaceSetting) workspace_setting — owned by workspaces, not campaigns',
      'libs/campaigns/src/orm.repository.ts:6 [campaigns] ORM delete().from(Message) messages — owned by messaging, not campaigns',
    ]);
  });

  it('flags deep and cross-library relative imports, and accepts @herald/<lib>', () => {
    const files = [
      src(
        'apps/api/src/x.controller.ts',
        "import { A } from '@herald/campaigns';\nimport { B } from '@herald/campaigns/src/campaign.repository';\nimport { C } from './y.dto';",
      ),
      src(
        'libs/messaging/src/y.service.ts',
        "import { C } from '../../campaigns/src/x';\nimport { D } from './z';\nexport * from '../../messaging/src/w';\nconst m = await import('../../contacts/src/q');",
      ),
      src(
        'test/z.e2e-spec.ts',
        "import { R } from '../libs/campaigns/src/recipient.repository';\nimport { H } from '../apps/api/src/api.bootstrap';\njest.unstable_mockModule('@herald/queues/src/x', () => ({}));",
      ),
      src(
        'scripts/s.ts',
        "import { N } from '@herald/nowhere';\ntype T = import('../libs/workspaces/src/workspace.entity').Workspace;",
      ),
    ];
    const found = importViolations(files.flatMap(importSites), FAKE_LIBS).map((v) => v.split(' | ')[0]);
    expect(found).toEqual([
      "apps/api/src/x.controller.ts:2 deep import '@herald/campaigns/src/campaign.repository': import '@herald/campaigns' (its index.ts) only",
      "libs/messaging/src/y.service.ts:1 reaches into libs/campaigns internals ('../../campaigns/src/x' → libs/campaigns/src/x): import '@herald/campaigns'",
      "libs/messaging/src/y.service.ts:4 reaches into libs/contacts internals ('../../contacts/src/q' → libs/contacts/src/q): import '@herald/contacts'",
      "test/z.e2e-spec.ts:1 reaches into libs/campaigns internals ('../libs/campaigns/src/recipient.repository' → libs/campaigns/src/recipient.repository): import '@herald/campaigns'",
      "test/z.e2e-spec.ts:3 deep import '@herald/queues/src/x': import '@herald/queues' (its index.ts) only",
      "scripts/s.ts:1 '@herald/nowhere' names no library (no libs/nowhere/src/index.ts)",
      "scripts/s.ts:2 reaches into libs/workspaces internals ('../libs/workspaces/src/workspace.entity' → libs/workspaces/src/workspace.entity): import '@herald/workspaces'",
    ]);
  });

  it('finds cycles between libraries (specs aside) and libraries importing apps', () => {
    const files = [
      src('libs/a/src/x.ts', "import { B } from '@herald/b';"),
      src('libs/b/src/x.ts', "import { C } from '@herald/c';"),
      src('libs/c/src/x.ts', "import { A } from '@herald/a';\nimport { Q } from '@herald/q';"),
      src('libs/d/src/x.ts', "import { A } from '@herald/a';"),
      src('libs/a/src/x.spec.ts', "import { D } from '@herald/d';"),
      src('libs/e/src/x.ts', "import { E } from '@herald/e';"),
      src('libs/q/src/x.ts', "import { main } from '../../../apps/api/src/main';"),
    ];
    const graph = libraryGraph(files.flatMap(importSites));
    const cycles = findCycles(graph.edges);
    expect(cycles).toEqual([
      ['a', 'b', 'c', 'a'],
      ['e', 'e'],
    ]);
    expect(describeCycle(cycles[0]!, graph.edges)).toBe(
      "cycle a → b → c → a: a → b (libs/a/src/x.ts:1 import { B } from '@herald/b';) → c (libs/b/src/x.ts:1 import { C } from '@herald/c';) → a (libs/c/src/x.ts:1 import { A } from '@herald/a';)",
    );
    expect(graph.appImports).toEqual([
      "libs/q/src/x.ts:1 libs/q imports the app apps/api (apps/api/src/main) | import { main } from '../../../apps/api/src/main';",
    ]);
    expect(findCycles(libraryGraph([files[0]!, files[1]!, files[3]!].flatMap(importSites)).edges)).toEqual([]);
  });
});

// ============================================================================================================
// The tree as it is
// ============================================================================================================

describe('architecture of the tree', () => {
  const libs = libraryNames();
  const libSources = readSources(listTs('libs'));
  const migrations = libSources.filter(
    (f) => /^libs\/database\/src\/migrations\/[^/]+\.ts$/.test(f.path) && !f.path.endsWith('/index.ts') && !isSpec(f.path),
  );
  const entities = entityTables(libSources.filter((f) => /^libs\/[^/]+\/src\//.test(f.path) && !isSpec(f.path)));
  const ownership = buildOwnership(entities, migrationSchema(migrations), MIGRATION_ONLY_OWNERS, new Set(libs));
  const sqlFiles = libSources.filter(
    (f) =>
      /^libs\/[^/]+\/src\//.test(f.path) &&
      !isSpec(f.path) &&
      !f.path.includes('/migrations/') &&
      !SQL_EXEMPT_LIBS.has(libOf(f.path)!),
  );

  it('gives every table exactly one owning library', () => {
    console.info(
      [
        `Table owners (${ownership.owners.size}):`,
        ...[...ownership.owners]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([table, o]) => `  ${table} → ${o.lib}  (${o.source})`),
        'Writes done by triggers (from the migrations):',
        ...[...ownership.triggerWrites].map(([table, written]) => `  writing ${table} also writes ${[...written].join(', ')}`),
      ].join('\n'),
    );
    expect(migrations.length).toBeGreaterThan(0);
    expect(ownership.owners.size).toBeGreaterThan(0);
    expect(ownership.problems).toEqual([]);
  });

  it('lets each library write only the tables it owns (reads are listed, not enforced)', () => {
    const scan = scanLibrarySql(sqlFiles, ownership);
    const violations = judgeWrites(scan, ownership, UNRESOLVABLE_ALLOWLIST);
    const reads = foreignReads(scan, ownership.owners);
    console.info(
      [
        `SQL scan: ${sqlFiles.length} files, ${scan.writes.length} writes, ${scan.reads.length} reads; temp tables: ${
          [...scan.temps].map(([lib, t]) => `${lib}: ${[...t.keys()].join(', ')}`).join('; ') || 'none'
        }`,
        'Tables each library writes:',
        ...[...new Set(scan.writes.map((w) => w.lib))].sort().map((lib) => {
          const tables = scan.writes
            .filter((w) => w.lib === lib && (w.upper || ownership.owners.has(w.table)))
            .map((w) => w.table);
          return `  ${lib}: ${[...new Set(tables)].sort().join(', ')}`;
        }),
        `Reads of another library's tables (${reads.length}, not enforced):`,
        ...reads.map((r) => `  ${r}`),
        `Writes to another library's tables (${violations.length}, enforced):`,
        ...violations.map((v) => `  ${v}`),
      ].join('\n'),
    );
    // The scan found something to judge: every library owning tables writes some of them.
    const writers = new Set(scan.writes.filter((w) => ownership.owners.get(w.table)?.lib === w.lib).map((w) => w.lib));
    const owningLibs = new Set([...ownership.owners.values()].map((o) => o.lib));
    expect([...owningLibs].filter((lib) => !writers.has(lib))).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('imports other libraries only through @herald/<lib>', () => {
    const files = readSources([...listTs('apps'), ...listTs('libs'), ...listTs('test'), ...listTs('scripts')]);
    const sites = files.flatMap(importSites);
    expect(sites.filter((s) => s.spec.startsWith('@herald/')).length).toBeGreaterThan(0);
    expect(importViolations(sites, new Set([...libs, ...packageNames()]))).toEqual([]);
  });

  it('keeps the client package standalone: it imports only its own files and npm packages', () => {
    const sites = readSources(listTs('packages')).flatMap(importSites);
    expect(sites.length).toBeGreaterThan(0);
    const outside = sites.filter((s) => {
      if (s.spec.startsWith('@herald/')) return true;
      if (!s.spec.startsWith('.')) return false;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(s.file), s.spec));
      return resolved.split('/').slice(0, 2).join('/') !== s.file.split('/').slice(0, 2).join('/');
    });
    expect(outside.map((s) => `${s.file}:${s.line} '${s.spec}'`)).toEqual([]);
  });

  it('keeps library dependencies a DAG pointing down (no cycle, no library importing an app)', () => {
    const graph = libraryGraph(libSources.flatMap(importSites));
    const cycles = findCycles(graph.edges).map((c) => describeCycle(c, graph.edges));
    console.info(['Library dependencies ([n]: levels above the bottom):', ...describeGraph(graph.edges, libs)].join('\n'));
    expect(graph.edges.size).toBeGreaterThan(0);
    expect([...cycles, ...graph.appImports]).toEqual([]);
  });
});
