export * from './config.types';
export * from './config.error';
export { VARIABLES, WORKER_QUEUE_NAMES, type VariableSpec, type WorkerQueueName } from './config.variables';
export * from './config.loader';
export * from './config.module';
export * from './config.startup';
export { EVENT_QUEUES, layoutQueues, parseWorkerLayout, SENDING_QUEUES, type WorkerLayout } from './worker-layout.util';
export { formatLocalStack, localStackFile, parseLocalStack, readLocalStack, STACK_PID_VARIABLE, withLocalStack, type LocalStackValues } from './local-stack.util';
