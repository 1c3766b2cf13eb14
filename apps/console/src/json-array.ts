/**
 * The objects of a streamed JSON array (the recipients exports), each as its JSON text, read as the bytes arrive. A
 * caller that stops early — a page of a run's half-million recipients — cancels the download there, so the tab never
 * holds more than it shows. Items must be objects or arrays, as the API's exports are.
 */
export async function* jsonArrayItems(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let depth = 0;
  let inString = false;
  let escaped = false;
  // The text of an item that began in an earlier chunk.
  let pending = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      // stream: a character split between two chunks is decoded once its last byte arrives.
      const chunk = decoder.decode(value, { stream: true });
      let start = depth >= 2 ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
        } else if (c === '"') {
          inString = true;
        } else if (c === '{' || c === '[') {
          if (depth === 1) start = i;
          depth++;
        } else if (c === '}' || c === ']') {
          depth--;
          if (depth === 0) return;
          if (depth === 1) {
            yield pending + chunk.slice(start, i + 1);
            pending = '';
            start = -1;
          }
        }
      }
      if (start >= 0) pending += chunk.slice(start);
    }
  } finally {
    // Stops the download when the caller has what it needs (or the array ended).
    await reader.cancel().catch(() => undefined);
  }
}

/** Items `skip` to `skip + take` of a streamed JSON array, and whether more follow; reading stops there. */
export async function readPage<T>(
  body: ReadableStream<Uint8Array>,
  skip: number,
  take: number,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let index = 0;
  for await (const text of jsonArrayItems(body)) {
    if (index >= skip + take) return { items, more: true };
    if (index >= skip) items.push(JSON.parse(text) as T);
    index++;
  }
  return { items, more: false };
}
