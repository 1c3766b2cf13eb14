import type { MsRange } from './simulator.types';

/** A source of numbers in [0, 1), like Math.random. */
export type Random = () => number;

/** Mulberry32: a small seeded generator, so a run with a seed makes the same choices every time. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed: number | null): Random {
  return seed === null ? Math.random : seededRandom(seed);
}

/** A whole number of milliseconds within the range, both ends included. */
export function pickInRange(range: MsRange, random: Random): number {
  if (range.max <= range.min) return range.min;
  return range.min + Math.floor(random() * (range.max - range.min + 1));
}

/** FNV-1a, 32 bits: a stable hash of a string, the same on every run and machine. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
