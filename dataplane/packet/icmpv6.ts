// ICMPv6 (RFC 4443): echo request/reply and the error messages a router sends. Unlike ICMPv4
// the checksum covers the IPv6 pseudo-header (next header 58), so building and verifying need
// the enclosing addresses.

import { checkInt, readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { internetChecksum, ipv6PseudoHeaderSum } from './checksum.js';
import { IpProtocol } from './ipv4.js';
import { buildIpv6Packet, type Ipv6BuildOptions } from './ipv6.js';
import { fail, ok, type Result } from './result.js';
import type { PseudoHeader } from './udp.js';

export const ICMPV6_HEADER_LENGTH = 8;

export const Icmpv6Type = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
} as const;

/**
 * An error quotes "as much of invoking packet as possible without the ICMPv6 packet exceeding
 * the minimum IPv6 MTU" (RFC 4443 §3.1): 1280 − 40 (IPv6) − 8 (ICMPv6 header).
 */
export const ICMPV6_MAX_QUOTE = 1280 - 40 - ICMPV6_HEADER_LENGTH;

function checkPseudo(p: PseudoHeader): void {
  if (p.source.length !== 16 || p.destination.length !== 16) {
    throw new RangeError('ICMPv6 pseudo-header addresses must be 16 bytes each');
  }
}

function finish(m: Uint8Array, pseudo: PseudoHeader): Uint8Array {
  checkPseudo(pseudo);
  writeU16(m, 2, internetChecksum(m, ipv6PseudoHeaderSum(pseudo.source, pseudo.destination, IpProtocol.ICMPV6, m.length)));
  return m;
}

export interface Icmpv6EchoOptions {
  readonly identifier: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
  /** The enclosing IPv6 source and destination (for the checksum). */
  readonly pseudoHeader: PseudoHeader;
}

function echo(type: number, opts: Icmpv6EchoOptions): Uint8Array {
  checkInt('identifier', opts.identifier, 0, 0xffff);
  checkInt('sequence', opts.sequence, 0, 0xffff);
  const m = new Uint8Array(ICMPV6_HEADER_LENGTH + opts.payload.length);
  m[0] = type;
  writeU16(m, 4, opts.identifier);
  writeU16(m, 6, opts.sequence);
  m.set(opts.payload, ICMPV6_HEADER_LENGTH);
  return finish(m, opts.pseudoHeader);
}

export function buildIcmpv6EchoRequest(opts: Icmpv6EchoOptions): Uint8Array {
  return echo(Icmpv6Type.ECHO_REQUEST, opts);
}

export function buildIcmpv6EchoReply(opts: Icmpv6EchoOptions): Uint8Array {
  return echo(Icmpv6Type.ECHO_REPLY, opts);
}

export interface Icmpv6ErrorOptions {
  /** Destination unreachable (1), packet too big (2), time exceeded (3), parameter problem (4). */
  readonly type: 1 | 2 | 3 | 4;
  readonly code: number;
  /** The MTU (type 2) or pointer (type 4); 0 (unused) otherwise. */
  readonly value?: number;
  /** The invoking packet, from its IPv6 header; quoted up to ICMPV6_MAX_QUOTE bytes. */
  readonly original: Uint8Array;
  readonly pseudoHeader: PseudoHeader;
}

export function buildIcmpv6Error(opts: Icmpv6ErrorOptions): Uint8Array {
  checkInt('code', opts.code, 0, 255);
  const value = opts.value ?? 0;
  checkInt('value', value, 0, 0xffffffff);
  const quote = opts.original.subarray(0, Math.min(opts.original.length, ICMPV6_MAX_QUOTE));
  const m = new Uint8Array(ICMPV6_HEADER_LENGTH + quote.length);
  m[0] = opts.type;
  m[1] = opts.code;
  writeU32(m, 4, value);
  m.set(quote, ICMPV6_HEADER_LENGTH);
  return finish(m, opts.pseudoHeader);
}

export type Icmpv6Message =
  | {
      readonly kind: 'echo-request' | 'echo-reply';
      readonly type: number;
      readonly code: number;
      readonly checksum: number;
      readonly identifier: number;
      readonly sequence: number;
      readonly payload: Uint8Array;
    }
  | {
      readonly kind: 'other';
      readonly type: number;
      readonly code: number;
      readonly checksum: number;
      /** Bytes 4..7 as a number: MTU (type 2), pointer (type 4), else unused. */
      readonly value: number;
      readonly body: Uint8Array;
    };

/**
 * Parse an ICMPv6 message; with `pseudoHeader` (the enclosing IPv6 addresses) verify its
 * checksum. Never throws.
 */
export function parseIcmpv6(bytes: Uint8Array, pseudoHeader?: PseudoHeader): Result<Icmpv6Message> {
  if (bytes.length < ICMPV6_HEADER_LENGTH) {
    return fail('truncated', `ICMPv6 header needs ${ICMPV6_HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const checksum = readU16(bytes, 2);
  if (pseudoHeader) {
    if (pseudoHeader.source.length !== 16 || pseudoHeader.destination.length !== 16) {
      return fail('bad-address', 'ICMPv6 pseudo-header addresses must be 16 bytes each');
    }
    const sum = internetChecksum(bytes, ipv6PseudoHeaderSum(pseudoHeader.source, pseudoHeader.destination, IpProtocol.ICMPV6, bytes.length));
    if (sum !== 0) return fail('bad-checksum', `ICMPv6 checksum 0x${checksum.toString(16).padStart(4, '0')} is wrong`);
  }
  const type = bytes[0]!;
  const code = bytes[1]!;
  if (type === Icmpv6Type.ECHO_REQUEST || type === Icmpv6Type.ECHO_REPLY) {
    return ok({
      kind: type === Icmpv6Type.ECHO_REQUEST ? 'echo-request' : 'echo-reply',
      type,
      code,
      checksum,
      identifier: readU16(bytes, 4),
      sequence: readU16(bytes, 6),
      payload: bytes.subarray(ICMPV6_HEADER_LENGTH),
    });
  }
  return ok({ kind: 'other', type, code, checksum, value: readU32(bytes, 4), body: bytes.subarray(ICMPV6_HEADER_LENGTH) });
}

/** A whole IPv6 packet carrying an ICMPv6 echo request (default) or reply. */
export function buildIcmpv6EchoIpv6Packet(
  opts: Omit<Ipv6BuildOptions, 'nextHeader'> & Omit<Icmpv6EchoOptions, 'pseudoHeader'> & { readonly reply?: boolean },
): Uint8Array {
  const e = { ...opts, pseudoHeader: { source: opts.source, destination: opts.destination } };
  const icmp = opts.reply ? buildIcmpv6EchoReply(e) : buildIcmpv6EchoRequest(e);
  return buildIpv6Packet({ ...opts, nextHeader: IpProtocol.ICMPV6, payload: icmp });
}
