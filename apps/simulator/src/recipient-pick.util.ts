// Which recipients a per-user rule applies to (not on WhatsApp, marketing capped/stopped/experiment): those listed
// explicitly, plus a share of all others chosen by a stable hash of the number, so reruns pick the same people.
import { fnv1a } from './random.util';
import type { RecipientPick } from './simulator.types';

/** Digits only, so "+1 555 000 1234" and "15550001234" are the same recipient. */
export function digitsOf(number: string): string {
  return number.replace(/\D/g, '');
}

/** Listed numbers as digits, per configured array (a configuration change brings a new array). */
const explicitSets = new WeakMap<string[], Set<string>>();

function explicitSet(numbers: string[]): Set<string> {
  let set = explicitSets.get(numbers);
  if (!set) {
    set = new Set(numbers.map(digitsOf));
    explicitSets.set(numbers, set);
  }
  return set;
}

/** MurmurHash3's finaliser: spreads every input bit over the output, so rules with different salts agree by chance only. */
function mix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Whether `waId` (digits) is picked: listed in `pick.numbers`, or inside `pick.share` by a hash of `salt:waId`.
 * Each rule has its own salt, so the rules pick independently; raising a share keeps the numbers already picked.
 * Costs nothing when the list is empty and the share is 0. `legacy` keeps the unmixed hash the "not on WhatsApp"
 * rule has always used, so it goes on picking the same numbers.
 */
export function isPicked(waId: string, pick: RecipientPick, salt: string, legacy = false): boolean {
  if (pick.numbers.length > 0 && explicitSet(pick.numbers).has(waId)) return true;
  if (pick.share <= 0) return false;
  if (pick.share >= 1) return true;
  const hash = fnv1a(`${salt}:${waId}`);
  return (legacy ? hash : mix32(hash)) / 4294967296 < pick.share;
}
