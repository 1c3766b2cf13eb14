import type { ImportKind, ImportRowError, ImportTarget } from './import.entity';

/** Only this many bad rows are kept with their reasons; the rest are counted. */
export const MAX_IMPORT_ERRORS = 1_000;
/** The upload is stored in chunks of this size. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;

export interface ImportView {
  readonly id: string;
  readonly kind: ImportKind;
  readonly target: ImportTarget;
  readonly status: 'queued' | 'running' | 'completed' | 'failed';
  readonly rowsRead: number;
  readonly imported: number;
  readonly updated: number;
  readonly invalid: number;
  readonly duplicates: number;
  readonly errors: ImportRowError[];
  readonly failure: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/** What an upload is for; validated before any byte is stored. */
export type ImportRequest =
  | { kind: 'audience_contacts'; audienceId: string; audienceName?: string; defaultCountry?: string }
  | {
      kind: 'variable_group_values';
      groupId: string;
      groupName?: string;
      groupDescription?: string;
      audienceId?: string;
      defaultCountry?: string;
    };

export interface ImportProgress {
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly sizeBytes: number;
  readonly phase: 'parsing' | 'merging' | 'done';
}
