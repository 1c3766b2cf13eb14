export * from './herald.error';
export * from './clock.service';
