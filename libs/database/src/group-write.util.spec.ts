import { describe, expect, it } from '@jest/globals';
import { GroupWrite } from './group-write.util';

/** A write whose calls the test finishes by hand. */
function controlledWrite() {
  const calls: Array<{ items: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, finish: () => resolve(items.map((n) => `row ${n}`)), fail: reject });
    });
  return { calls, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupWrite', () => {
  it('writes items added in the same turn together, and answers each its own result', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupWrite(write, { maxItems: 100, maxInFlight: 1 });
    const answers = [group.add(1), group.add(2), group.add(3)];
    await turn();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    calls[0]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('holds what arrives during a write for the next one, which starts as soon as the first ends', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupWrite(write, { maxItems: 100, maxInFlight: 1 });
    const first = group.add(1);
    await turn();
    const later = [group.add(2), group.add(3)];
    await turn();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await first;
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]);
    calls[1]!.finish();
    await expect(Promise.all(later)).resolves.toEqual(['row 2', 'row 3']);
    expect(group.pending).toBe(0);
  });

  it('never writes more than maxItems at once, nor runs more than maxInFlight writes', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupWrite(write, { maxItems: 2, maxInFlight: 2 });
    const answers = [1, 2, 3, 4, 5].map((n) => group.add(n));
    await turn();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4]]);
    calls[0]!.finish();
    await answers[1];
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
    calls[1]!.finish();
    calls[2]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual(['row 1', 'row 2', 'row 3', 'row 4', 'row 5']);
  });

  it('rejects every item of a failed write with its error, and goes on with the next', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupWrite(write, { maxItems: 100, maxInFlight: 1 });
    const failed = [group.add(1), group.add(2)];
    await turn();
    const next = group.add(3);
    calls[0]!.fail(new Error('connection lost'));
    for (const answer of failed) await expect(answer).rejects.toThrow('connection lost');
    calls[1]!.finish();
    await expect(next).resolves.toBe('row 3');
  });

  it('rejects the items when the write answers a result count other than theirs', async () => {
    const group = new GroupWrite(async (items: number[]) => items.slice(1).map(String), { maxItems: 10, maxInFlight: 1 });
    await expect(Promise.all([group.add(1), group.add(2)])).rejects.toThrow('a group write answered 1 results for 2 items');
  });

  it('refuses a bound below one', () => {
    expect(() => new GroupWrite(async () => [], { maxItems: 0, maxInFlight: 1 })).toThrow(RangeError);
  });
});
