/**
 * Prometheus marks "this series ended" with one particular NaN, 0x7ff0000000000002, so that a
 * stale marker stays distinguishable from a NaN a target really exported. A JavaScript number
 * cannot be trusted to keep a NaN payload (engines may canonicalise it), so the store writes and
 * reads the marker as raw bits through a 32-bit view of the Float64Array that holds the values.
 */
import { endianness } from 'node:os';

/** Upper and lower 32 bits of the stale-marker bit pattern. */
export const STALE_NAN_HIGH = 0x7ff00000;
export const STALE_NAN_LOW = 0x00000002;

const littleEndian = endianness() === 'LE';
/** Index offsets of the low and high words of element i in a Uint32Array over a Float64Array. */
export const LOW_WORD = littleEndian ? 0 : 1;
export const HIGH_WORD = littleEndian ? 1 : 0;

/** Writes the stale marker into element `index` of the Float64Array viewed by `words`. */
export function writeStaleNaN(words: Uint32Array, index: number): void {
  words[2 * index + LOW_WORD] = STALE_NAN_LOW;
  words[2 * index + HIGH_WORD] = STALE_NAN_HIGH;
}

/** True when element `index` of the Float64Array viewed by `words` holds the stale marker bits. */
export function isStaleAt(words: Uint32Array, index: number): boolean {
  return words[2 * index + HIGH_WORD] === STALE_NAN_HIGH && words[2 * index + LOW_WORD] === STALE_NAN_LOW;
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/**
 * Best-effort check on a plain number (for values read out of a Float64Array by callers that
 * copied the bits); inside the store and evaluator use isStaleAt on the typed array instead.
 */
export function isStaleNaN(value: number): boolean {
  if (value === value) return false;
  scratch[0] = value;
  return isStaleAt(scratchWords, 0);
}

/** The stale marker as a number, for callers that want to hand it around (bits may not survive). */
export function staleNaN(): number {
  writeStaleNaN(scratchWords, 0);
  return scratch[0]!;
}
