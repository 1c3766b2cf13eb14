import { fnv1a, pickInRange, type Random } from './random.util';
import type { RuntimeConfig, StatusName } from './simulator.types';

export interface PlannedStatus {
  /** Milliseconds after the send was accepted. */
  afterMs: number;
  status: StatusName;
}

type StatusConfig = RuntimeConfig['statuses'];

/** Digits only, so "+1 555 000 1234" and "15550001234" are the same recipient. */
export function digitsOf(number: string): string {
  return number.replace(/\D/g, '');
}

const explicitSets = new WeakMap<string[], Set<string>>();

function explicitSet(numbers: string[]): Set<string> {
  let set = explicitSets.get(numbers);
  if (!set) {
    set = new Set(numbers.map(digitsOf));
    explicitSets.set(numbers, set);
  }
  return set;
}

/**
 * Whether a recipient is "not on WhatsApp": listed explicitly, or inside the configured share by a hash of its
 * digits — the same numbers on every run, so reruns of a benchmark agree.
 */
export function isNotOnWhatsApp(waId: string, notOnWhatsApp: StatusConfig['notOnWhatsApp']): boolean {
  if (notOnWhatsApp.numbers.length > 0 && explicitSet(notOnWhatsApp.numbers).has(waId)) return true;
  if (notOnWhatsApp.share <= 0) return false;
  if (notOnWhatsApp.share >= 1) return true;
  return fnv1a(`not-on-whatsapp:${waId}`) / 4294967296 < notOnWhatsApp.share;
}

/**
 * The statuses one accepted message will produce and when: `failed` (131026) alone for recipients not on
 * WhatsApp; otherwise `sent`, then `delivered` with `deliveredProbability`, then `read` with `readProbability`
 * of the delivered ones — each step after a delay drawn from `latencyMs`.
 */
export function planStatuses(waId: string, config: StatusConfig, random: Random): PlannedStatus[] {
  const sentAfter = pickInRange(config.latencyMs, random);
  if (isNotOnWhatsApp(waId, config.notOnWhatsApp)) return [{ afterMs: sentAfter, status: 'failed' }];
  const plan: PlannedStatus[] = [{ afterMs: sentAfter, status: 'sent' }];
  if (random() >= config.deliveredProbability) return plan;
  const deliveredAfter = sentAfter + pickInRange(config.latencyMs, random);
  plan.push({ afterMs: deliveredAfter, status: 'delivered' });
  if (random() >= config.readProbability) return plan;
  plan.push({ afterMs: deliveredAfter + pickInRange(config.latencyMs, random), status: 'read' });
  return plan;
}
