export * from './config.types';
export * from './config.error';
export { VARIABLES, type VariableSpec } from './config.variables';
export * from './config.loader';
export * from './config.module';
export * from './config.startup';
export { formatLocalStack, localStackFile, readLocalStack, withLocalStack } from './local-stack.util';
