import type { Random } from './random.util';

export interface ShakenStatuses<T> {
  /** Post these now, in this order. */
  now: T[];
  /** Post these with the next flush, after whatever came due meanwhile (pass them back as `heldBack`). */
  later: T[];
}

/**
 * Meta's imperfections: with `duplicateProbability` a status is posted now and again in a later POST; with
 * `reorderProbability` it is held back to a later POST, so newer statuses (a `delivered` before its `sent`)
 * overtake it. Items held back last time (`heldBack`) are not shaken again and go last, behind the fresh ones.
 */
export function shakeStatuses<T>(
  heldBack: T[],
  fresh: T[],
  random: Random,
  duplicateProbability: number,
  reorderProbability: number,
): ShakenStatuses<T> {
  const later: T[] = [];
  if (duplicateProbability <= 0 && reorderProbability <= 0) {
    return { now: heldBack.length === 0 ? fresh : fresh.concat(heldBack), later };
  }
  const now: T[] = [];
  for (const item of fresh) {
    if (reorderProbability > 0 && random() < reorderProbability) {
      later.push(item);
      continue;
    }
    now.push(item);
    if (duplicateProbability > 0 && random() < duplicateProbability) later.push(item);
  }
  for (const item of heldBack) now.push(item);
  return { now, later };
}

/** Splits items into consecutive runs of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return items.length === 0 ? [] : [items];
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
