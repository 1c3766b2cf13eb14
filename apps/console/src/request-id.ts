/**
 * A fresh idempotency key (`requestId`) for a form that makes something: sent again with the same key (a retry after a
 * network failure, a second click) the API answers what the first made instead of making another.
 */
export function newRequestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
