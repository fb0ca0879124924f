/**
 * Deterministic pseudo-random numbers, so that every fit, split and initialisation is reproducible from a seed
 * (Math.random cannot be seeded).
 */

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). Good enough for initialisation and shuffling. */
export function createRng(seed: number): () => number {
  // Mix the seed once (splitmix-style) so that nearby seeds give unrelated streams.
  let state = (Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(arr: T, rng: () => number): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** A standard normal sample (Box–Muller). */
export function randn(rng: () => number): number {
  let u = rng();
  while (u <= 1e-12) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
