export * from './herald.error';
export * from './clock.service';
export * from './uuid.util';
export * from './time-cursor.util';
export * from './list-query.util';
export * from './milliseconds.util';
export * from './network-address.util';
