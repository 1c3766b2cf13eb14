import { Injectable, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { HeraldError, type ErrorDetail } from '@herald/common';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((issue) => ({ field, issue }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * class-validator over every DTO: unknown fields are refused, each bad field is listed with why, and a body
 * that is not a JSON object is refused before any field is looked at.
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
