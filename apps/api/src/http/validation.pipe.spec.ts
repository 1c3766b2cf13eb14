import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { HeraldError } from '@herald/common';
import { HeraldValidationPipe, inputProblem, MAX_BODY_DEPTH } from './validation.pipe';

class NameDto {
  @IsString()
  name!: string;
}

/** `{"a": {"a": … {}}}`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('inputProblem: nesting', () => {
  const deeper = (value: unknown, max: number) => inputProblem(value, max)?.kind === 'too_deep';

  it('counts objects and arrays alike, the top one as level 1, and scalars not at all', () => {
    expect(deeper({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(deeper({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(deeper('text', 0)).toBe(false);
    expect(deeper(nested(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
    expect(deeper(nested(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
  });

  it('walks a body a million levels deep without overflowing the stack', () => {
    expect(deeper(nested(1_000_000), MAX_BODY_DEPTH)).toBe(true);
  });
});

describe('HeraldValidationPipe', () => {
  const pipe = new HeraldValidationPipe();

  it('refuses a body nested deeper than the limit with 400 body_too_deep, for a DTO and for a body read whole', async () => {
    // 20,000 levels overflowed class-transformer's recursion: a RangeError, answered 500.
    for (const metatype of [NameDto, Object]) {
      const refused = await pipe.transform(nested(20_000), { type: 'body', metatype }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(HeraldError);
      expect(refused).toMatchObject({ code: 'body_too_deep' });
    }
  });

  it('still takes a body within the limit', async () => {
    await expect(pipe.transform({ name: 'Acme' }, { type: 'body', metatype: NameDto })).resolves.toMatchObject({ name: 'Acme' });
  });
});

describe('inputProblem: text Postgres cannot store', () => {
  it('names the field of a NUL character or a lone surrogate, in values and in keys', () => {
    expect(inputProblem({ template: { params: ['Asha', 'a\u0000b'] } }, MAX_BODY_DEPTH)).toEqual({ kind: 'bad_text', field: 'template.params.1' });
    expect(inputProblem({ attributes: { 'ci\u0000ty': 'x' } }, MAX_BODY_DEPTH)).toEqual({ kind: 'bad_text', field: 'attributes.ci\u0000ty' });
    expect(inputProblem({ name: 'x\ud800' }, MAX_BODY_DEPTH)).toEqual({ kind: 'bad_text', field: 'name' });
    expect(inputProblem({ name: '\udc00x' }, MAX_BODY_DEPTH)).toEqual({ kind: 'bad_text', field: 'name' });
    expect(inputProblem('a\u0000', MAX_BODY_DEPTH, 'id')).toEqual({ kind: 'bad_text', field: 'id' });
    expect(inputProblem({ tag: ['x\u0000'] }, MAX_BODY_DEPTH, '(query)')).toEqual({ kind: 'bad_text', field: 'tag.0' });
  });

  it('takes what is well formed: emoji (surrogate pairs), other scripts, control characters Postgres stores', () => {
    expect(inputProblem({ text: 'Namaste 🙏 नमस्ते \t\u0001', n: 1, b: true, z: null }, MAX_BODY_DEPTH)).toBeUndefined();
  });

  it('does not look into bytes (a webhook body kept raw)', () => {
    expect(inputProblem(Buffer.from([0, 0, 0]), MAX_BODY_DEPTH)).toBeUndefined();
  });
});

describe('HeraldValidationPipe and text', () => {
  const pipe = new HeraldValidationPipe();

  it('refuses a NUL in a body with 400 invalid_text naming the field, before Postgres sees it', async () => {
    const refused = await pipe.transform({ name: 'Ac\u0000me' }, { type: 'body', metatype: NameDto }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'invalid_text', details: [{ field: 'name' }] });
  });
});

describe('inputProblem: keys every object has', () => {
  it('refuses __proto__, constructor and prototype as keys, wherever they are, and takes them as values', () => {
    expect(inputProblem(JSON.parse('{"__proto__": {"admin": true}}'), MAX_BODY_DEPTH)).toEqual({ kind: 'reserved_key', field: '__proto__' });
    expect(inputProblem({ template: { constructor: { prototype: { x: 1 } } } }, MAX_BODY_DEPTH)).toEqual({ kind: 'reserved_key', field: 'template.constructor' });
    expect(inputProblem({ name: 'constructor', tags: ['__proto__'] }, MAX_BODY_DEPTH)).toBeUndefined();
  });
});
