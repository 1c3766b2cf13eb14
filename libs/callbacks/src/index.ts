export * from './callback-event.types';
export { CallbackOutbox } from './callback-outbox.service';
export * from './callbacks.module';

/** The tables this capability owns. */
export const CALLBACK_ENTITIES = [];
