/**
 * The queue contract. These strings are part of the Redis keys and job records of work in flight:
 * NEVER rename or reuse one once shipped. Add new names instead.
 */
export enum QueueName {
  /** Periodic housekeeping of the database. */
  Maintenance = 'maintenance',
  /** CSV imports being applied. */
  Imports = 'imports',
}

/** Job names, also stored with every job in Redis: never rename one once shipped. */
export enum JobName {
  PurgeRevokedApiKeys = 'purge-revoked-api-keys',
  /** Hands imports whose job was lost (Redis flushed, enqueue failed) to a worker again. */
  RequeueImports = 'requeue-imports',
  /** Applies one staged CSV import. Job id = import id. */
  ProcessImport = 'process-import',
}

/** The payload each job carries. */
export interface JobPayloads {
  [JobName.PurgeRevokedApiKeys]: Record<string, never>;
  [JobName.RequeueImports]: Record<string, never>;
  [JobName.ProcessImport]: { importId: string };
}

/** The jobs each queue carries. */
export const JOBS_OF_QUEUE = {
  [QueueName.Maintenance]: [JobName.PurgeRevokedApiKeys, JobName.RequeueImports],
  [QueueName.Imports]: [JobName.ProcessImport],
} as const satisfies { readonly [Q in QueueName]: readonly JobName[] };

/** The job names one queue's processor must handle. */
export type JobNameOf<Q extends QueueName> = (typeof JOBS_OF_QUEUE)[Q][number];

/** Which queue each job goes to. */
export const QUEUE_OF_JOB = Object.fromEntries(
  Object.entries(JOBS_OF_QUEUE).flatMap(([queue, jobs]) => jobs.map((job) => [job, queue])),
) as { readonly [J in JobName]: QueueName };

/** Queues whose jobs are heavy run fewer at once than WORKER_CONCURRENCY. */
export const QUEUE_CONCURRENCY: Partial<Record<QueueName, number>> = {
  [QueueName.Imports]: 2,
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
