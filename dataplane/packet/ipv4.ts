// IPv4 header codec (RFC 791). Builds option-less 20-byte headers; parses any IHL and skips the
// options (kept as bytes). Fragment offsets are in 8-octet units, as carried on the wire.

import { checkInt, readU16, writeU16 } from './bytes.js';
import { internetChecksum, updateChecksum16 } from './checksum.js';
import { fail, ok, type Result } from './result.js';

export const IPV4_HEADER_LENGTH = 20;
export const IPV4_MAX_PACKET = 65535;

/** IP protocol numbers used by the emulator (IANA "Assigned Internet Protocol Numbers"). */
export const IpProtocol = {
  ICMP: 1,
  IPIP: 4, // IPv4-in-IPv4: ESP tunnel mode's next header for an inner IPv4 packet
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  OSPF: 89,
} as const;

export interface Ipv4Header {
  /** Header length in bytes (IHL × 4), 20..60. */
  readonly headerLength: number;
  /** The TOS / DSCP+ECN byte. */
  readonly tos: number;
  readonly totalLength: number;
  readonly identification: number;
  /** The reserved (must-be-zero) flag bit, kept so a parsed header rebuilds byte for byte. */
  readonly reservedFlag: boolean;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** In 8-octet units (0..8191). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  /** Option bytes (headerLength − 20 of them), empty for IHL 5. */
  readonly options: Uint8Array;
}

export interface Ipv4Packet {
  readonly header: Ipv4Header;
  /** The bytes after the header up to totalLength (link-layer padding beyond it is dropped). */
  readonly payload: Uint8Array;
}

export interface Ipv4BuildOptions {
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly protocol: number;
  /** Default 64 (FreeBSD's, hence Junos', net.inet.ip.ttl). */
  readonly ttl?: number;
  readonly tos?: number;
  readonly identification?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  readonly reservedFlag?: boolean;
  /** In 8-octet units. */
  readonly fragmentOffset?: number;
}

/** A 20-byte header with its checksum, for a payload of `payloadLength` bytes. */
export function buildIpv4Header(opts: Ipv4BuildOptions & { readonly payloadLength: number }): Uint8Array {
  const h = new Uint8Array(IPV4_HEADER_LENGTH);
  writeIpv4Header(opts, opts.payloadLength, h);
  return h;
}

/** Write the 20-byte header (with its checksum) for a payload of `payloadLength` bytes at out[0]. */
export function writeIpv4Header(opts: Ipv4BuildOptions, payloadLength: number, out: Uint8Array): void {
  const { source, destination, protocol } = opts;
  if (source.length !== 4) throw new RangeError(`IPv4 source must be 4 bytes, got ${source.length}`);
  if (destination.length !== 4) throw new RangeError(`IPv4 destination must be 4 bytes, got ${destination.length}`);
  const ttl = opts.ttl ?? 64;
  const tos = opts.tos ?? 0;
  const identification = opts.identification ?? 0;
  const fragmentOffset = opts.fragmentOffset ?? 0;
  const totalLength = IPV4_HEADER_LENGTH + payloadLength;
  checkInt('protocol', protocol, 0, 255);
  checkInt('ttl', ttl, 0, 255);
  checkInt('tos', tos, 0, 255);
  checkInt('identification', identification, 0, 0xffff);
  checkInt('fragmentOffset', fragmentOffset, 0, 0x1fff);
  checkInt('total length (20 + payload)', totalLength, IPV4_HEADER_LENGTH, IPV4_MAX_PACKET);

  const h = out;
  h[0] = 0x45;
  h[1] = tos;
  writeU16(h, 2, totalLength);
  writeU16(h, 4, identification);
  const flags = (opts.reservedFlag ? 0x8000 : 0) | (opts.dontFragment ? 0x4000 : 0) | (opts.moreFragments ? 0x2000 : 0);
  writeU16(h, 6, flags | fragmentOffset);
  h[8] = ttl;
  h[9] = protocol;
  h[10] = 0;
  h[11] = 0;
  h.set(source, 12);
  h.set(destination, 16);
  writeU16(h, 10, internetChecksum(h.subarray(0, IPV4_HEADER_LENGTH)));
}

/** Header + payload as one packet. */
export function buildIpv4Packet(opts: Ipv4BuildOptions & { readonly payload: Uint8Array }): Uint8Array {
  const out = new Uint8Array(IPV4_HEADER_LENGTH + opts.payload.length);
  writeIpv4Header(opts, opts.payload.length, out);
  out.set(opts.payload, IPV4_HEADER_LENGTH);
  return out;
}

export interface Ipv4ParseOptions {
  /** Refuse a wrong header checksum (default true). */
  readonly verifyChecksum?: boolean;
}

/** Parse an IPv4 packet. Never throws; payload and options are views into `bytes`. */
export function parseIpv4(bytes: Uint8Array, options: Ipv4ParseOptions = {}): Result<Ipv4Packet> {
  if (bytes.length < IPV4_HEADER_LENGTH) {
    return fail('truncated', `IPv4 header needs ${IPV4_HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const version = bytes[0]! >> 4;
  if (version !== 4) return fail('bad-version', `IP version ${version}, expected 4`);
  const headerLength = (bytes[0]! & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) return fail('bad-header-length', `IPv4 IHL ${headerLength / 4} < 5`);
  if (headerLength > bytes.length) {
    return fail('truncated', `IPv4 header with options is ${headerLength} bytes, only ${bytes.length} present`);
  }
  const totalLength = readU16(bytes, 2);
  if (totalLength < headerLength) {
    return fail('bad-length', `IPv4 total length ${totalLength} < header length ${headerLength}`);
  }
  if (totalLength > bytes.length) {
    return fail('truncated', `IPv4 total length ${totalLength}, only ${bytes.length} bytes present`);
  }
  const checksum = readU16(bytes, 10);
  if (options.verifyChecksum !== false && internetChecksum(bytes.subarray(0, headerLength)) !== 0) {
    return fail('bad-checksum', `IPv4 header checksum 0x${checksum.toString(16).padStart(4, '0')} is wrong`);
  }
  const fragWord = readU16(bytes, 6);
  return ok({
    header: {
      headerLength,
      tos: bytes[1]!,
      totalLength,
      identification: readU16(bytes, 4),
      reservedFlag: (fragWord & 0x8000) !== 0,
      dontFragment: (fragWord & 0x4000) !== 0,
      moreFragments: (fragWord & 0x2000) !== 0,
      fragmentOffset: fragWord & 0x1fff,
      ttl: bytes[8]!,
      protocol: bytes[9]!,
      checksum,
      source: bytes.subarray(12, 16),
      destination: bytes.subarray(16, 20),
      options: bytes.subarray(IPV4_HEADER_LENGTH, headerLength),
    },
    payload: bytes.subarray(headerLength, totalLength),
  });
}

/**
 * Forwarding step on an IPv4 packet, in place: TTL − 1 and the header checksum patched
 * incrementally (RFC 1624) rather than recomputed. A packet arriving with TTL 0 or 1 must not
 * be forwarded (RFC 1812 §5.3.1: the router sends ICMP time exceeded instead): it is returned
 * unchanged with 'ttl-expired'. Returns the new TTL.
 */
export function decrementTtl(packet: Uint8Array): Result<number> {
  if (packet.length < IPV4_HEADER_LENGTH) return fail('truncated', `IPv4 header needs ${IPV4_HEADER_LENGTH} bytes, got ${packet.length}`);
  if (packet[0]! >> 4 !== 4) return fail('bad-version', `IP version ${packet[0]! >> 4}, expected 4`);
  const ttl = packet[8]!;
  if (ttl <= 1) return fail('ttl-expired', `TTL ${ttl}: time exceeded in transit`);
  const oldWord = (ttl << 8) | packet[9]!;
  const newWord = ((ttl - 1) << 8) | packet[9]!;
  packet[8] = ttl - 1;
  writeU16(packet, 10, updateChecksum16(readU16(packet, 10), oldWord, newWord));
  return ok(ttl - 1);
}
