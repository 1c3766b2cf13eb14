import type { Type } from '@nestjs/common';
import { getSchemaPath, type DiscriminatorObject, type ReferenceObject } from '@nestjs/swagger';

export interface SchemaUnion {
  readonly oneOf: ReferenceObject[];
  readonly discriminator?: DiscriminatorObject;
}

/**
 * A `oneOf` over DTO classes told apart by one property (`type`), with the discriminator's mapping: openapi-typescript
 * makes it a union the compiler narrows on that property. The classes must also be listed in an @ApiExtraModels.
 */
export function oneOfBy(propertyName: string, models: Readonly<Record<string, Type<unknown>>>): SchemaUnion {
  const mapping = Object.fromEntries(Object.entries(models).map(([value, model]) => [value, getSchemaPath(model)]));
  return { oneOf: Object.values(mapping).map((ref): ReferenceObject => ({ $ref: ref })), discriminator: { propertyName, mapping } };
}

/** `oneOf` over DTO classes that no single property tells apart. */
export function oneOfModels(...models: Type<unknown>[]): SchemaUnion {
  return { oneOf: models.map((model) => ({ $ref: getSchemaPath(model) })) };
}
