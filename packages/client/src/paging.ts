/** One page of a cursor-paged list: `nextCursor` is null on the last page. */
export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * Every item of a cursor-paged list, fetching the next page only when the loop reaches it:
 * `for await (const contact of herald.contacts.all()) …`. Breaking out of the loop stops the fetching.
 */
export async function* paginate<T>(page: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const current = await page(cursor);
    yield* current.data;
    cursor = current.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** The first `n` items of an async iterable (all of them when it has fewer). */
export async function take<T>(items: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n <= 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}
