// IPv6 fixed header codec (RFC 8200 §3). Extension headers are not walked: `nextHeader` is the
// first one and `payload` starts right after the 40-byte fixed header.

import { checkInt, readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { fail, ok, type Result } from './result.js';

export const IPV6_HEADER_LENGTH = 40;

export interface Ipv6Header {
  readonly trafficClass: number;
  /** 20 bits. */
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
}

export interface Ipv6Packet {
  readonly header: Ipv6Header;
  /** payloadLength bytes after the fixed header (link-layer padding beyond it is dropped). */
  readonly payload: Uint8Array;
}

export interface Ipv6BuildOptions {
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly nextHeader: number;
  /** Default 64 (FreeBSD's net.inet6.ip6.hlim). */
  readonly hopLimit?: number;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
}

export function buildIpv6Header(opts: Ipv6BuildOptions & { readonly payloadLength: number }): Uint8Array {
  const { source, destination, nextHeader, payloadLength } = opts;
  if (source.length !== 16) throw new RangeError(`IPv6 source must be 16 bytes, got ${source.length}`);
  if (destination.length !== 16) throw new RangeError(`IPv6 destination must be 16 bytes, got ${destination.length}`);
  const hopLimit = opts.hopLimit ?? 64;
  const trafficClass = opts.trafficClass ?? 0;
  const flowLabel = opts.flowLabel ?? 0;
  checkInt('nextHeader', nextHeader, 0, 255);
  checkInt('hopLimit', hopLimit, 0, 255);
  checkInt('trafficClass', trafficClass, 0, 255);
  checkInt('flowLabel', flowLabel, 0, 0xfffff);
  // Jumbograms (RFC 2675) need a hop-by-hop option; not supported.
  checkInt('payloadLength', payloadLength, 0, 0xffff);
  const h = new Uint8Array(IPV6_HEADER_LENGTH);
  writeU32(h, 0, ((6 << 28) | (trafficClass << 20) | flowLabel) >>> 0);
  writeU16(h, 4, payloadLength);
  h[6] = nextHeader;
  h[7] = hopLimit;
  h.set(source, 8);
  h.set(destination, 24);
  return h;
}

export function buildIpv6Packet(opts: Ipv6BuildOptions & { readonly payload: Uint8Array }): Uint8Array {
  const header = buildIpv6Header({ ...opts, payloadLength: opts.payload.length });
  const out = new Uint8Array(IPV6_HEADER_LENGTH + opts.payload.length);
  out.set(header);
  out.set(opts.payload, IPV6_HEADER_LENGTH);
  return out;
}

/** Parse the fixed header. Never throws; addresses and payload are views into `bytes`. */
export function parseIpv6(bytes: Uint8Array): Result<Ipv6Packet> {
  if (bytes.length < IPV6_HEADER_LENGTH) {
    return fail('truncated', `IPv6 header needs ${IPV6_HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const first = readU32(bytes, 0);
  const version = first >>> 28;
  if (version !== 6) return fail('bad-version', `IP version ${version}, expected 6`);
  const payloadLength = readU16(bytes, 4);
  if (IPV6_HEADER_LENGTH + payloadLength > bytes.length) {
    return fail('truncated', `IPv6 payload length ${payloadLength}, only ${bytes.length - IPV6_HEADER_LENGTH} bytes present`);
  }
  return ok({
    header: {
      trafficClass: (first >>> 20) & 0xff,
      flowLabel: first & 0xfffff,
      payloadLength,
      nextHeader: bytes[6]!,
      hopLimit: bytes[7]!,
      source: bytes.subarray(8, 24),
      destination: bytes.subarray(24, 40),
    },
    payload: bytes.subarray(IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + payloadLength),
  });
}

/** Forwarding step, in place: hop limit − 1 (no header checksum in IPv6). 'ttl-expired' at 0 or 1. */
export function decrementHopLimit(packet: Uint8Array): Result<number> {
  if (packet.length < IPV6_HEADER_LENGTH) return fail('truncated', `IPv6 header needs ${IPV6_HEADER_LENGTH} bytes, got ${packet.length}`);
  if (packet[0]! >> 4 !== 6) return fail('bad-version', `IP version ${packet[0]! >> 4}, expected 6`);
  const hl = packet[7]!;
  if (hl <= 1) return fail('ttl-expired', `hop limit ${hl}: time exceeded in transit`);
  packet[7] = hl - 1;
  return ok(hl - 1);
}
