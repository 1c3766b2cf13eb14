import { pickInRange, type Random } from './random.util';
import { digitsOf, isPicked } from './recipient-pick.util';
import type { RuntimeConfig, StatusName } from './simulator.types';

export interface PlannedStatus {
  /** Milliseconds after the send was accepted. */
  afterMs: number;
  status: StatusName;
}

type StatusConfig = RuntimeConfig['statuses'];

/**
 * Whether a recipient is "not on WhatsApp": listed explicitly, or inside the configured share by a hash of its
 * digits — the same numbers on every run, so reruns of a benchmark agree.
 */
export function isNotOnWhatsApp(waId: string, notOnWhatsApp: StatusConfig['notOnWhatsApp']): boolean {
  return isPicked(waId, notOnWhatsApp, 'not-on-whatsapp', true);
}

export { digitsOf };

/**
 * The statuses one accepted message will produce and when: `failed` alone when it `fails` (by default: the
 * recipient is not on WhatsApp); otherwise `sent`, then `delivered` with `deliveredProbability`, then `read` with
 * `readProbability` of the delivered ones — each step after a delay drawn from `latencyMs`, the first one `holdMs`
 * later still (a send held for quality assessment).
 */
export function planStatuses(
  waId: string,
  config: StatusConfig,
  random: Random,
  fails: boolean = isNotOnWhatsApp(waId, config.notOnWhatsApp),
  holdMs = 0,
): PlannedStatus[] {
  const sentAfter = holdMs + pickInRange(config.latencyMs, random);
  if (fails) return [{ afterMs: sentAfter, status: 'failed' }];
  const plan: PlannedStatus[] = [{ afterMs: sentAfter, status: 'sent' }];
  if (random() >= config.deliveredProbability) return plan;
  const deliveredAfter = sentAfter + pickInRange(config.latencyMs, random);
  plan.push({ afterMs: deliveredAfter, status: 'delivered' });
  if (random() >= config.readProbability) return plan;
  plan.push({ afterMs: deliveredAfter + pickInRange(config.latencyMs, random), status: 'read' });
  return plan;
}
