import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { RunProgress, RunProgressHub } from '@herald/campaigns';

/**
 * A comment this often keeps a quiet stream (a run waiting for its window) from being cut by proxies and load
 * balancers that close idle connections (commonly after 30–60 s).
 */
export const HEARTBEAT_MS = 15_000;

/** Event names on a run's stream: `progress` while it goes, `end` (its last event) once it ended. */
export const PROGRESS_EVENT = 'progress';
export const END_EVENT = 'end';

/** At most this much may wait for a client that stopped reading (about 200 events) before it is dropped. */
export const MAX_PENDING_EVENT_CHARS = 256 * 1024;

const event = (p: RunProgress): MessageEvent => ({ type: p.final ? END_EVENT : PROGRESS_EVENT, data: p });

/**
 * A run's Server-Sent Events: its figures now, then each change the hub sees (at most once a tick), a heartbeat comment
 * every `heartbeatMs`, and — once the run has ended — the `end` event, after which the stream completes. Unsubscribing
 * (the client left) stops the heartbeat and leaves the hub.
 */
export function runEventStream(hub: RunProgressHub, first: RunProgress, heartbeatMs = HEARTBEAT_MS): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    subscriber.next(event(first));
    if (first.final) {
      subscriber.complete();
      return undefined;
    }
    const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), heartbeatMs);
    const leave = hub.watch(first, {
      progress: (p) => {
        subscriber.next(event(p));
        if (p.final) subscriber.complete();
      },
      end: () => subscriber.complete(),
    });
    return () => {
      clearInterval(heartbeat);
      leave();
    };
  });
}
