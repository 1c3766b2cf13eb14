import { createHerald, type Herald } from '@herald/client';

// The key lives in sessionStorage only: it leaves with the tab, never reaches a URL, a cookie or localStorage.
const KEY = 'herald.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveKey(apiKey: string): void {
  sessionStorage.setItem(KEY, apiKey);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

/** The public API of the server that served the console, called with the signed-in key. */
export function heraldFor(apiKey: string): Herald {
  return createHerald({ baseUrl: location.origin, apiKey });
}

/** The message of an API error body ({"error":{"code","message"}}), or a fallback naming the HTTP status. */
export function errorText(error: unknown, response?: Response): string {
  const body = error as { error?: { message?: string; code?: string } } | undefined;
  if (body?.error?.message) return body.error.message;
  if (error instanceof Error) return error.message;
  return response ? `The API answered ${response.status} ${response.statusText}.` : 'The API could not be reached.';
}
