/**
 * The queue contract. These strings are part of the Redis keys and job records of work in flight:
 * NEVER rename or reuse one once shipped. Add new names instead.
 */
export enum QueueName {
  /** Periodic housekeeping of the database. */
  Maintenance = 'maintenance',
}

/** Job names, also stored with every job in Redis: never rename one once shipped. */
export enum JobName {
  PurgeRevokedApiKeys = 'purge-revoked-api-keys',
}

/** The payload each job carries. */
export interface JobPayloads {
  [JobName.PurgeRevokedApiKeys]: Record<string, never>;
}

/** Which queue each job goes to. */
export const QUEUE_OF_JOB: { readonly [J in JobName]: QueueName } = {
  [JobName.PurgeRevokedApiKeys]: QueueName.Maintenance,
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
