// The Internet checksum (RFC 1071) and its incremental update (RFC 1624), shared by IPv4, UDP,
// ICMP and ICMPv6.

/**
 * One's-complement sum of `data` as big-endian 16-bit words, added to `initial`, folded to
 * 16 bits (not complemented). An odd final byte is padded with a zero byte (RFC 1071 §1).
 * To sum several pieces (pseudo-header, header, payload), chain through `initial`; every piece
 * but the last must have an even length.
 */
export function onesComplementSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = data.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (even !== data.length) sum += data[even]! << 8;
  // Fold the carries back in (end-around carry). A JS number holds 2^53, far above the worst
  // case of a 64 KiB packet (2^15 words of at most 2^16 each).
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Internet checksum of `data` (plus an already-folded `initial` sum): ~sum, 16 bits. */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~onesComplementSum(data, initial) & 0xffff;
}

/**
 * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data changes from
 * `oldWord` to `newWord`: HC' = ~(~HC + ~m + m'). Unlike RFC 1141's form it never yields
 * 0x0000 where a full recomputation would give 0xffff.
 */
export function updateChecksum16(oldChecksum: number, oldWord: number, newWord: number): number {
  let sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Folded sum of the IPv4 pseudo-header (RFC 768 / RFC 9293 §3.1). */
export function ipv4PseudoHeaderSum(source: Uint8Array, destination: Uint8Array, protocol: number, length: number): number {
  let sum = onesComplementSum(source);
  sum = onesComplementSum(destination, sum);
  return onesComplementSum(Uint8Array.of(0, protocol, (length >>> 8) & 0xff, length & 0xff), sum);
}

/** Folded sum of the IPv6 pseudo-header (RFC 8200 §8.1): 32-bit length, 24 zero bits, next header. */
export function ipv6PseudoHeaderSum(source: Uint8Array, destination: Uint8Array, nextHeader: number, length: number): number {
  let sum = onesComplementSum(source);
  sum = onesComplementSum(destination, sum);
  return onesComplementSum(
    Uint8Array.of((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff, 0, 0, 0, nextHeader),
    sum,
  );
}

/** Pseudo-header sum for either family, chosen by the address length (4 or 16 bytes). */
export function pseudoHeaderSum(source: Uint8Array, destination: Uint8Array, protocol: number, length: number): number {
  if (source.length === 4 && destination.length === 4) return ipv4PseudoHeaderSum(source, destination, protocol, length);
  if (source.length === 16 && destination.length === 16) return ipv6PseudoHeaderSum(source, destination, protocol, length);
  throw new RangeError(`pseudo-header addresses must both be 4 or both 16 bytes, got ${source.length} and ${destination.length}`);
}
