/** Key material of a `key { ascii-text | hexadecimal }` statement, recovered from its `$9$` form. */
import { decodeSecret } from './secret.js';
import type { View } from './validate/view.js';

/** The key bytes, or undefined when absent or not valid hexadecimal. */
export function keyBytes(key: View | undefined): Uint8Array | undefined {
  if (!key) return undefined;
  const plain = (v: string | undefined): string | undefined => (v === undefined ? undefined : (decodeSecret(v) ?? v));
  const ascii = plain(key.leaf('ascii-text'));
  if (ascii !== undefined) return new TextEncoder().encode(ascii);
  const hex = plain(key.leaf('hexadecimal'))?.replace(/^0x/i, '');
  if (hex === undefined || !/^([0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}
