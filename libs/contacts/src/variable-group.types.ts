import type { InvalidEntry } from './contact-entries.util';

export const VARIABLE_GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const FIELD_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** Field names that would collide with a value row's own keys. */
export const RESERVED_FIELDS = ['number', 'name'];
export const MAX_FIELDS = 50;

export interface VariableGroupView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly fields: string[];
  readonly size: number;
}

export interface ValuesResult {
  readonly added: number;
  readonly updated: number;
  readonly invalid: InvalidEntry[];
}

/** A contact's row in a group: `{number, <field>: value, ...}`. */
export type ValueRow = { number: string } & Record<string, string | number | boolean>;

export interface ValuePage {
  readonly data: ValueRow[];
  readonly nextCursor: string | null;
}
