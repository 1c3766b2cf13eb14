import { Injectable, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { HeraldError, type ErrorDetail } from '@herald/common';

/**
 * How deeply a request body may nest. No Herald payload comes near it (a Cloud API template message is about seven
 * levels); class-transformer walks a body recursively, so a body nested thousands of levels deep would overflow the
 * stack in the pipe, and is refused before it.
 */
export const MAX_BODY_DEPTH = 64;

/** What is wrong with a request's input as a whole, before its fields are validated. */
export type InputProblem =
  | { readonly kind: 'too_deep' }
  /** A string (or a key) Postgres cannot store: a NUL character, or UTF-16 that is not well formed (a lone surrogate). */
  | { readonly kind: 'bad_text'; readonly field: string }
  /** A key JavaScript objects carry already (`__proto__`, `constructor`, `prototype`): no Herald field has such a name. */
  | { readonly kind: 'reserved_key'; readonly field: string };

/**
 * Keys every JavaScript object answers to: a lookup by such a key in a map of known names finds the object's own
 * machinery (a function, not a string), and an assignment by `__proto__` changes an object's prototype.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks a parsed body, query or set of path parameters without recursion: nesting deeper than `maxDepth` (the top
 * object is level 1), or text Postgres refuses (`\u0000` in text and jsonb alike, a lone surrogate in jsonb), which
 * would otherwise fail the statement that stores it, answered 500. Bytes (a webhook's raw body) are not looked into.
 */
export function inputProblem(value: unknown, maxDepth: number, root = '(body)'): InputProblem | undefined {
  type Entry = { readonly node: unknown; readonly depth: number; readonly parent: Entry | undefined; readonly key: string };
  const path = (e: Entry): string => {
    const keys: string[] = [];
    for (let at: Entry | undefined = e; at?.parent !== undefined; at = at.parent) keys.push(at.key);
    if (keys.length === 0) return root;
    return root.startsWith('(') ? keys.reverse().join('.') : `${root}.${keys.reverse().join('.')}`;
  };
  const pending: Entry[] = [{ node: value, depth: 1, parent: undefined, key: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node } = next;
    if (typeof node === 'string') {
      if (!storableText(node)) return { kind: 'bad_text', field: path(next) };
      continue;
    }
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) continue;
    if (next.depth > maxDepth) return { kind: 'too_deep' };
    for (const [key, child] of Object.entries(node)) {
      const entry = { node: child, depth: next.depth + 1, parent: next, key };
      if (!storableText(key)) return { kind: 'bad_text', field: path(entry) };
      if (RESERVED_KEYS.has(key)) return { kind: 'reserved_key', field: path(entry) };
      pending.push(entry);
    }
  }
  return undefined;
}

/** A surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((issue) => ({ field, issue }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * class-validator over every DTO: unknown fields are refused, each bad field is listed with why, and a body
 * that is not a JSON object, nests deeper than MAX_BODY_DEPTH or holds text Postgres cannot store (`inputProblem`)
 * is refused before any field is looked at.
 */
@Injectable()
export class HeraldValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => {
        const details = flatten(errors);
        const fields = [...new Set(details.map((d) => d.field))].join(', ');
        return new HeraldError('invalid', 'validation_failed', `The request has invalid fields: ${fields}.`, details);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Every body, query and path, also one a controller takes whole and reads itself.
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const root = metadata.data ?? (metadata.type === 'body' ? '(body)' : `(${metadata.type})`);
      const problem = inputProblem(value, MAX_BODY_DEPTH, root);
      if (problem?.kind === 'too_deep') {
        throw new HeraldError('invalid', 'body_too_deep', `The request body nests more than ${MAX_BODY_DEPTH} levels deep.`, [
          { field: '(body)', issue: `must not nest more than ${MAX_BODY_DEPTH} levels deep` },
        ]);
      }
      if (problem?.kind === 'reserved_key') {
        throw new HeraldError('invalid', 'validation_failed', `${problem.field} is not a field Herald takes: the name is JavaScript's own.`, [
          { field: problem.field, issue: "is not a field Herald takes (the name is JavaScript's own: __proto__, constructor, prototype)" },
        ]);
      }
      if (problem?.kind === 'bad_text') {
        throw new HeraldError('invalid', 'invalid_text', `${problem.field} holds a NUL character (\\u0000) or a lone UTF-16 surrogate, which Herald cannot store.`, [
          { field: problem.field, issue: 'must not hold a NUL character or a lone surrogate' },
        ]);
      }
    }
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === undefined) value = {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new HeraldError('invalid', 'validation_failed', 'The request body must be a JSON object.', [
          { field: '(body)', issue: 'must be a JSON object' },
        ]);
      }
    }
    return super.transform(value, metadata);
  }
}
