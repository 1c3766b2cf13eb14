import type { InvalidEntry } from './contact-entries.util';

/** The reserved audience id meaning every contact of the workspace. */
export const ALL_AUDIENCE_ID = 'all';
export const AUDIENCE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Contacts one request may add; larger lists go through a CSV import. */
export const MAX_ENTRIES_PER_REQUEST = 10_000;

export interface AudienceView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly size: number;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
}

export interface MembershipResult {
  readonly added: number;
  readonly alreadyMembers: number;
  readonly invalid: InvalidEntry[];
}
