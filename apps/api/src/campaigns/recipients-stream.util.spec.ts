import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';
import type { RecipientExportRow } from '@herald/campaigns';
import { streamRecipients } from './recipients-stream.util';

/** A response whose client stops reading at once: every write is refused until the socket closes. */
function stalledResponse() {
  const res = Object.assign(new EventEmitter(), {
    destroyed: false,
    written: [] as string[],
    ended: false,
    status: () => res,
    type: () => res,
    setHeader: () => res,
    write: (chunk: string) => (res.written.push(chunk), false),
    end: (chunk?: string) => {
      if (chunk) res.written.push(chunk);
      res.ended = true;
    },
  });
  return res;
}

const row = (n: number) => ({ number: `+1415555${String(n).padStart(4, '0')}`, name: null, status: 'read', runId: 'r1' }) as unknown as RecipientExportRow;

describe('streamRecipients', () => {
  it('stops reading pages and finishes when the client goes away while a write waits for room', async () => {
    const res = stalledResponse();
    let pagesRead = 0;
    let closed = false;
    async function* pages() {
      try {
        for (let p = 0; p < 1_000; p++) {
          pagesRead++;
          yield [row(p)];
        }
      } finally {
        closed = true;
      }
    }
    const done = streamRecipients(res as unknown as Response, pages(), 'json', 'recipients.json');
    await new Promise((resolve) => setImmediate(resolve));
    res.destroyed = true;
    res.emit('close');
    await done;
    expect(pagesRead).toBe(1);
    expect(closed).toBe(true);
    expect(res.ended).toBe(true);
  });
});
