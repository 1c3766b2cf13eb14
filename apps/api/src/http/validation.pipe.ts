import { Injectable, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { HeraldError, type ErrorDetail } from '@herald/common';

/**
 * How deeply a request body may nest. No Herald payload comes near it (a Cloud API template message is about seven
 * levels); class-transformer walks a body recursively, so a body nested thousands of levels deep would overflow the
 * stack in the pipe, and is refused before it.
 */
export const MAX_BODY_DEPTH = 64;

/** Whether `value` nests objects or arrays more than `max` levels deep (the top one is level 1); walked without recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<{ node: object; depth: number }> = typeof value === 'object' && value !== null ? [{ node: value, depth: 1 }] : [];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > max) return true;
    for (const child of Array.isArray(next.node) ? next.node : Object.values(next.node)) {
      if (typeof child === 'object' && child !== null) pending.push({ node: child as object, depth: next.depth + 1 });
    }
  }
  return false;
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
 * that is not a JSON object, or nests deeper than MAX_BODY_DEPTH, is refused before any field is looked at.
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
    // Every body, also one a controller takes whole and reads itself.
    if (metadata.type === 'body' && nestedDeeperThan(value, MAX_BODY_DEPTH)) {
      throw new HeraldError('invalid', 'body_too_deep', `The request body nests more than ${MAX_BODY_DEPTH} levels deep.`, [
        { field: '(body)', issue: `must not nest more than ${MAX_BODY_DEPTH} levels deep` },
      ]);
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
