import { describe, expect, it } from '@jest/globals';
import { jsonArrayItems, readPage } from './json-array';

/** A body that arrives in the given pieces, and tells whether the reader cancelled it. */
function body(pieces: ReadonlyArray<string | Uint8Array>) {
  const state = { cancelled: false, sent: 0 };
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces[state.sent++];
      if (next === undefined) controller.close();
      else controller.enqueue(typeof next === 'string' ? encoder.encode(next) : next);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe(jsonArrayItems.name, () => {
  it('yields each object of an array split anywhere, strings with brackets and escapes included', async () => {
    const rows = [{ a: 1, s: 'x]}{"\\' }, { nested: { list: [1, [2]] } }, { é: 'ünï' }];
    const text = JSON.stringify(rows);
    const pieces = Array.from({ length: Math.ceil(text.length / 3) }, (_, i) => text.slice(i * 3, i * 3 + 3));
    const seen: unknown[] = [];
    for await (const item of jsonArrayItems(body(pieces).stream)) seen.push(JSON.parse(item));
    expect(seen).toEqual(rows);
  });

  it('decodes a character whose bytes arrive in two chunks', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify([{ name: 'Zoë Āśā' }]));
    const seen: unknown[] = [];
    for await (const item of jsonArrayItems(body(Array.from(bytes, (b) => Uint8Array.of(b))).stream)) seen.push(JSON.parse(item));
    expect(seen).toEqual([{ name: 'Zoë Āśā' }]);
  });

  it('reads nothing from an empty array', async () => {
    const seen: string[] = [];
    for await (const item of jsonArrayItems(body(['[', ']']).stream)) seen.push(item);
    expect(seen).toEqual([]);
  });
});

describe(readPage.name, () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ n: i }));
  // One row a chunk, as a long export arrives.
  const pieces = () => ['[', ...rows.map((r, i) => `${i ? ',' : ''}${JSON.stringify(r)}`), ']'];

  it('answers one page, says more follow, and stops the download there', async () => {
    const { stream, state } = body(pieces());
    await expect(readPage(stream, 2, 3)).resolves.toEqual({ items: [{ n: 2 }, { n: 3 }, { n: 4 }], more: true });
    expect(state.cancelled).toBe(true);
    expect(state.sent).toBeLessThan(pieces().length);
  });

  it('answers the last page with more: false', async () => {
    await expect(readPage(body(pieces()).stream, 8, 5)).resolves.toEqual({ items: [{ n: 8 }, { n: 9 }], more: false });
  });
});
