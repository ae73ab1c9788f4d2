// ICMPv4 (RFC 792): echo request/reply, and the destination-unreachable / time-exceeded errors
// a router sends (what traceroute reads). Checksum over the ICMP message only (no pseudo-header).

import { checkInt, readU16, writeU16 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { IpProtocol, buildIpv4Packet, type Ipv4BuildOptions } from './ipv4.js';
import { fail, ok, type Result } from './result.js';

export const ICMP_HEADER_LENGTH = 8;

export const IcmpType = {
  ECHO_REPLY: 0,
  DESTINATION_UNREACHABLE: 3,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
} as const;

/** Destination-unreachable codes (RFC 792, RFC 1191, RFC 1812 §5.2.7.1). */
export const UnreachableCode = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAGMENTATION_NEEDED: 4, // carries the next-hop MTU (RFC 1191)
  SOURCE_ROUTE_FAILED: 5,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  ADMIN_PROHIBITED: 13,
} as const;

export const TimeExceededCode = {
  TTL_IN_TRANSIT: 0,
  FRAGMENT_REASSEMBLY: 1,
} as const;

export interface IcmpEchoOptions {
  readonly identifier: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
  /** Default 0. */
  readonly code?: number;
}

function echo(type: number, opts: IcmpEchoOptions): Uint8Array {
  checkInt('identifier', opts.identifier, 0, 0xffff);
  checkInt('sequence', opts.sequence, 0, 0xffff);
  const code = opts.code ?? 0;
  checkInt('code', code, 0, 255);
  const m = new Uint8Array(ICMP_HEADER_LENGTH + opts.payload.length);
  m[0] = type;
  m[1] = code;
  writeU16(m, 4, opts.identifier);
  writeU16(m, 6, opts.sequence);
  m.set(opts.payload, ICMP_HEADER_LENGTH);
  writeU16(m, 2, internetChecksum(m));
  return m;
}

/** ICMP echo request (type 8) message, checksum filled in. */
export function buildIcmpEchoRequest(opts: IcmpEchoOptions): Uint8Array {
  return echo(IcmpType.ECHO_REQUEST, opts);
}

/** ICMP echo reply (type 0) message, checksum filled in. */
export function buildIcmpEchoReply(opts: IcmpEchoOptions): Uint8Array {
  return echo(IcmpType.ECHO_REPLY, opts);
}

/**
 * How much of the offending datagram an error quotes: its IP header plus this many bytes of
 * its payload. 8 is RFC 792's minimum (enough for the UDP header or the TCP ports and sequence)
 * and FreeBSD's default (net.inet.icmp.quotelen).
 */
export const ICMP_DEFAULT_QUOTE = 8;

export interface IcmpErrorOptions {
  readonly code: number;
  /** The offending IPv4 datagram as received (starting at its IP header). */
  readonly original: Uint8Array;
  /** Payload bytes quoted after the original's IP header (default 8). */
  readonly quoteLength?: number;
}

function quoted(original: Uint8Array, quoteLength: number): Uint8Array {
  // The original's own header length decides where its payload starts; a header too short to
  // read is quoted as it is (the caller decided to answer it).
  const ihl = original.length > 0 ? (original[0]! & 0x0f) * 4 : 0;
  return original.subarray(0, Math.min(original.length, ihl + quoteLength));
}

function errorMessage(type: number, code: number, rest: number, body: Uint8Array): Uint8Array {
  checkInt('code', code, 0, 255);
  const m = new Uint8Array(ICMP_HEADER_LENGTH + body.length);
  m[0] = type;
  m[1] = code;
  writeU16(m, 4, (rest >>> 16) & 0xffff);
  writeU16(m, 6, rest & 0xffff);
  m.set(body, ICMP_HEADER_LENGTH);
  writeU16(m, 2, internetChecksum(m));
  return m;
}

/** Destination unreachable (type 3); `nextHopMtu` goes in the low 16 bits of the second word (RFC 1191). */
export function buildIcmpDestinationUnreachable(opts: IcmpErrorOptions & { readonly nextHopMtu?: number }): Uint8Array {
  const mtu = opts.nextHopMtu ?? 0;
  checkInt('nextHopMtu', mtu, 0, 0xffff);
  return errorMessage(IcmpType.DESTINATION_UNREACHABLE, opts.code, mtu, quoted(opts.original, opts.quoteLength ?? ICMP_DEFAULT_QUOTE));
}

/** Time exceeded (type 11): code 0 = TTL expired in transit (what traceroute collects). */
export function buildIcmpTimeExceeded(opts: IcmpErrorOptions): Uint8Array {
  return errorMessage(IcmpType.TIME_EXCEEDED, opts.code, 0, quoted(opts.original, opts.quoteLength ?? ICMP_DEFAULT_QUOTE));
}

export type IcmpMessage =
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
      readonly kind: 'destination-unreachable';
      readonly type: number;
      readonly code: number;
      readonly checksum: number;
      /** Meaningful for code 4 (fragmentation needed). */
      readonly nextHopMtu: number;
      /** The quoted original datagram (IP header + start of its payload). */
      readonly original: Uint8Array;
    }
  | {
      readonly kind: 'time-exceeded';
      readonly type: number;
      readonly code: number;
      readonly checksum: number;
      readonly original: Uint8Array;
    }
  | {
      readonly kind: 'other';
      readonly type: number;
      readonly code: number;
      readonly checksum: number;
      /** Bytes 4..7 of the header. */
      readonly rest: Uint8Array;
      readonly body: Uint8Array;
    };

export interface IcmpParseOptions {
  /** Refuse a wrong checksum (default true). */
  readonly verifyChecksum?: boolean;
}

/** Parse an ICMPv4 message (the IPv4 payload). Never throws. */
export function parseIcmp(bytes: Uint8Array, options: IcmpParseOptions = {}): Result<IcmpMessage> {
  if (bytes.length < ICMP_HEADER_LENGTH) return fail('truncated', `ICMP header needs ${ICMP_HEADER_LENGTH} bytes, got ${bytes.length}`);
  const checksum = readU16(bytes, 2);
  if (options.verifyChecksum !== false && internetChecksum(bytes) !== 0) {
    return fail('bad-checksum', `ICMP checksum 0x${checksum.toString(16).padStart(4, '0')} is wrong`);
  }
  const type = bytes[0]!;
  const code = bytes[1]!;
  const body = bytes.subarray(ICMP_HEADER_LENGTH);
  switch (type) {
    case IcmpType.ECHO_REQUEST:
    case IcmpType.ECHO_REPLY:
      return ok({
        kind: type === IcmpType.ECHO_REQUEST ? 'echo-request' : 'echo-reply',
        type,
        code,
        checksum,
        identifier: readU16(bytes, 4),
        sequence: readU16(bytes, 6),
        payload: body,
      });
    case IcmpType.DESTINATION_UNREACHABLE:
      return ok({ kind: 'destination-unreachable', type, code, checksum, nextHopMtu: readU16(bytes, 6), original: body });
    case IcmpType.TIME_EXCEEDED:
      return ok({ kind: 'time-exceeded', type, code, checksum, original: body });
    default:
      return ok({ kind: 'other', type, code, checksum, rest: bytes.subarray(4, 8), body });
  }
}

/** IPv4 header options for a whole ICMP packet (protocol is 1). */
export type Ipv4IcmpOptions = Omit<Ipv4BuildOptions, 'protocol'>;

/** A whole IPv4 packet carrying an ICMP echo request (default) or reply. */
export function buildIcmpEchoIpv4Packet(
  opts: Ipv4IcmpOptions & IcmpEchoOptions & { readonly reply?: boolean },
): Uint8Array {
  const icmp = opts.reply ? buildIcmpEchoReply(opts) : buildIcmpEchoRequest(opts);
  return buildIpv4Packet({ ...opts, protocol: IpProtocol.ICMP, payload: icmp });
}

/** A whole IPv4 packet around an already-built ICMP message (an error, say). */
export function buildIcmpIpv4Packet(opts: Ipv4IcmpOptions & { readonly icmp: Uint8Array }): Uint8Array {
  return buildIpv4Packet({ ...opts, protocol: IpProtocol.ICMP, payload: opts.icmp });
}
