import { graphError } from './graph-error.util';
import { pickInRange, type Random } from './random.util';
import { ErrorCode } from './simulator.constants';
import type { GraphErrorResponse, RuntimeConfig } from './simulator.types';

type Faults = RuntimeConfig['faults'];

export type FaultKind = 'none' | 'serverError' | 'timeout' | 'throttleBurst';

export interface FaultDecision {
  kind: FaultKind;
  /** Extra time before the answer (0 = none). */
  delayMs: number;
}

/** Whether `now` falls in the first `durationMs` of a period of `everyMs` (periodic 130429 bursts). */
export function inPeriodicBurst(now: number, burst: Faults['throttleBurst']): boolean {
  return burst.everyMs > 0 && burst.durationMs > 0 && now % burst.everyMs < burst.durationMs;
}

/**
 * What goes wrong with one send: a 130429 burst when one is on, else a 5xx with `serverErrorShare`, else a
 * hold-forever with `timeoutShare`; independently, extra latency with `extraLatencyShare`. Draws nothing from
 * `random` for shares that are 0, so a seeded run is unchanged by faults that are off.
 */
export function chooseFault(faults: Faults, random: Random, burstOn: boolean): FaultDecision {
  let kind: FaultKind = 'none';
  if (burstOn) kind = 'throttleBurst';
  else if (faults.serverErrorShare > 0 || faults.timeoutShare > 0) {
    const draw = random();
    if (draw < faults.serverErrorShare) kind = 'serverError';
    else if (draw < faults.serverErrorShare + faults.timeoutShare) kind = 'timeout';
  }
  const delayMs =
    faults.extraLatencyShare > 0 && random() < faults.extraLatencyShare
      ? Math.max(1, pickInRange(faults.extraLatencyMs, random))
      : 0;
  return { kind, delayMs };
}

/** A Meta-style transient failure: 131000 with HTTP 500, or 2 with HTTP 503, half each. */
export function serverErrorResponse(random: Random): GraphErrorResponse {
  return random() < 0.5
    ? graphError(ErrorCode.SomethingWentWrong, { details: 'An unknown error occurred' })
    : graphError(ErrorCode.ApiService, { details: 'Service temporarily unavailable. Please retry.' });
}

export function throttleResponse(): GraphErrorResponse {
  return graphError(ErrorCode.RateLimitHit, { details: 'Cloud API message throughput has been reached.' });
}

/** 131056: too many messages from the number to this recipient in a short time (a synchronous 400). */
export function pairRateResponse(): GraphErrorResponse {
  return graphError(ErrorCode.PairRateLimit, {
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  });
}
