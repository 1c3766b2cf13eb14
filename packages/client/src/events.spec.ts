import { describe, expect, it } from '@jest/globals';
import { RunEventsError, watchRun, type RunProgress } from './events';

const figures = (n: number, final = false) => ({ runId: 'r1', status: final ? 'completed' : 'running', final, counts: { read: n } });
const frame = (p: object, event = 'progress') => `event: ${event}\ndata: ${JSON.stringify(p)}\n\n`;

/** A stream that sends `chunks`, then either ends or stays open and silent (a dead connection TCP has not noticed). */
function stream(chunks: string[], then: 'end' | 'hang'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      if (then === 'end') controller.close();
    },
  });
}

/** A fetch answering each call with the next of `answers`, recording what was asked. */
function fakeFetch(answers: Array<() => Response>) {
  const calls: Array<{ url: string; auth: string | null }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, auth: new Headers(init.headers).get('authorization') });
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    const response = answer();
    return response;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const sse = (body: ReadableStream<Uint8Array>) => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
const options = (fetch: typeof globalThis.fetch) => ({ baseUrl: 'http://api.test/', apiKey: 'hrld_k', fetch, reconnectDelayMs: 1 });

async function collect(it: AsyncIterable<RunProgress>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe('watchRun', () => {
  it('yields each progress event and the end event, sending the key, and stops at the final one', async () => {
    const { fetch, calls } = fakeFetch([() => sse(stream([frame(figures(1)), ': heartbeat\n\n', frame(figures(2, true), 'end')], 'hang'))]);
    const seen = await collect(watchRun(options(fetch), { campaignId: 'c1', runId: 'r1' }));
    expect(seen).toEqual([figures(1), figures(2, true)]);
    expect(calls).toEqual([{ url: 'http://api.test/v1/campaigns/c1/runs/r1/events', auth: 'Bearer hrld_k' }]);
  });

  it('connects again after a 5xx or a stream that closes before the end, and goes on', async () => {
    const { fetch, calls } = fakeFetch([
      () => new Response('{"error":{"code":"unavailable","message":"down"}}', { status: 503 }),
      () => sse(stream([frame(figures(1))], 'end')),
      () => sse(stream([frame(figures(3, true), 'end')], 'end')),
    ]);
    expect(await collect(watchRun(options(fetch), { runId: 'r1' }))).toEqual([figures(1), figures(3, true)]);
    expect(calls.map((c) => c.url)).toEqual(Array(3).fill('http://api.test/v1/runs/r1/events'));
  });

  it('does not ask again after a refusal, and says what the API said', async () => {
    const { fetch, calls } = fakeFetch([
      () => new Response('{"error":{"code":"run_not_found","message":"No run with id \\"r1\\"."}}', { status: 404 }),
    ]);
    const error = await collect(watchRun(options(fetch), { runId: 'r1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunEventsError);
    expect(error).toMatchObject({ status: 404, code: 'run_not_found', message: 'No run with id "r1".' });
    expect(calls).toHaveLength(1);
  });

  it('takes a connection silent past the idle timeout for dead and opens another', async () => {
    const { fetch, calls } = fakeFetch([
      () => sse(stream([frame(figures(1))], 'hang')),
      () => sse(stream([frame(figures(2, true), 'end')], 'end')),
    ]);
    const seen = await collect(watchRun({ ...options(fetch), idleTimeoutMs: 50 }, { runId: 'r1' }));
    expect(seen).toEqual([figures(1), figures(2, true)]);
    expect(calls).toHaveLength(2);
  });

  it('gives up after its reconnects, with the last failure', async () => {
    const { fetch, calls } = fakeFetch(Array.from({ length: 3 }, () => () => new Response('', { status: 502 })));
    const error = await collect(watchRun({ ...options(fetch), reconnects: 2 }, { runId: 'r1' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, message: 'The API answered 502.' });
    expect(calls).toHaveLength(3);
  });
});
