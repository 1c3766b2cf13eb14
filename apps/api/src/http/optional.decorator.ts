import { ValidateIf } from 'class-validator';

/**
 * An optional field that does not take null: absent, it is not validated; null is validated like any other value, so
 * the field's own rules refuse it with a clear issue ("must be a string"). class-validator's `IsOptional` skips null
 * as well, which let a `null` through to code that expects a value or nothing (answered 500). A field that means
 * something by null (`description: null` clears it) keeps `IsOptional` and says so in its type.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
