/**
 * One growable scratch buffer per thread for the ESP and AH codecs. Each thread processes one
 * packet at a time, synchronously, and no codec holds the buffer across calls, so ESP and AH can
 * share it. Grown on first use: no work at import time.
 */
let scratch = new Uint8Array(0);

/** At least `n` bytes of scratch; the contents are whatever the last packet left there. */
export function scratchOf(n: number): Uint8Array {
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, 2048, scratch.length * 2));
  return scratch;
}
