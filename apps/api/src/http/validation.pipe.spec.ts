import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { HeraldError } from '@herald/common';
import { HeraldValidationPipe, MAX_BODY_DEPTH, nestedDeeperThan } from './validation.pipe';

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

describe('nestedDeeperThan', () => {
  it('counts objects and arrays alike, the top one as level 1, and scalars not at all', () => {
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
  });

  it('walks a body a million levels deep without overflowing the stack', () => {
    expect(nestedDeeperThan(nested(1_000_000), MAX_BODY_DEPTH)).toBe(true);
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
