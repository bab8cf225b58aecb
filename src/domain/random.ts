/**
 * Seeded pseudo-random numbers for the domain. The domain never calls `Math.random()`
 * (STYLE rule 11): callers inject an {@link Rng}, so fitting, selection and simulations
 * are reproducible from a seed.
 */

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
}

/**
 * mulberry32: a small, fast 32-bit generator; good enough for restarts, tie-breaks and simulations
 * (not for secrets).
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A uniform number in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/** Derives an independent seed from a seed and a label, e.g. one stream per restart. */
export function deriveSeed(seed: number, label: number): number {
  let h = (seed ^ Math.imul(label + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
