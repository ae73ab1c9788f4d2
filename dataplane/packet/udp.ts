// UDP codec (RFC 768) with the IPv4 and IPv6 pseudo-header checksums.
//
// Checksum rules: a computed 0x0000 is sent as 0xffff (RFC 768). Over IPv4 a zero checksum
// means "none": allowed when building (RFC 3948 §2.1 wants ESP-in-UDP sent that way) and
// reported as 'absent' when parsing. Over IPv6 the checksum is mandatory (RFC 8200 §8.1), so a
// zero one is refused on both sides.

import { checkInt, readU16, writeU16 } from './bytes.js';
import { internetChecksum, pseudoHeaderSum } from './checksum.js';
import { IPV4_HEADER_LENGTH, IpProtocol, writeIpv4Header, type Ipv4BuildOptions } from './ipv4.js';
import { buildIpv6Packet, type Ipv6BuildOptions } from './ipv6.js';
import { fail, ok, type Result } from './result.js';

export const UDP_HEADER_LENGTH = 8;

/** The addresses of the enclosing IP header, for the pseudo-header (4 or 16 bytes each). */
export interface PseudoHeader {
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
}

export interface UdpBuildOptions {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
  /**
   * The enclosing IP addresses: the checksum is computed over them. Omitted: checksum 0 ("no
   * checksum"), legal over IPv4 only.
   */
  readonly pseudoHeader?: PseudoHeader;
}

export function buildUdp(opts: UdpBuildOptions): Uint8Array {
  const { sourcePort, destinationPort, payload, pseudoHeader } = opts;
  checkInt('sourcePort', sourcePort, 0, 0xffff);
  checkInt('destinationPort', destinationPort, 0, 0xffff);
  const length = UDP_HEADER_LENGTH + payload.length;
  checkInt('UDP length (8 + payload)', length, UDP_HEADER_LENGTH, 0xffff);
  const d = new Uint8Array(length);
  writeU16(d, 0, sourcePort);
  writeU16(d, 2, destinationPort);
  writeU16(d, 4, length);
  d.set(payload, UDP_HEADER_LENGTH);
  if (pseudoHeader) writeU16(d, 6, udpChecksum(d, pseudoHeader));
  return d;
}

/**
 * The checksum to put in a datagram whose checksum field is zero (as buildUdp leaves it):
 * never 0, since 0 means "none" (RFC 768).
 */
export function udpChecksum(datagram: Uint8Array, pseudo: PseudoHeader): number {
  const c = internetChecksum(datagram, pseudoHeaderSum(pseudo.source, pseudo.destination, IpProtocol.UDP, datagram.length));
  return c === 0 ? 0xffff : c;
}

export type UdpChecksumStatus =
  | 'good' // verified against the pseudo-header
  | 'absent' // zero over IPv4: the sender computed none
  | 'unverified'; // no pseudo-header given to check against

export interface UdpDatagram {
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** The UDP length field (header + payload). */
  readonly length: number;
  readonly checksum: number;
  readonly checksumStatus: UdpChecksumStatus;
  readonly payload: Uint8Array;
}

/**
 * Parse a UDP datagram; with `pseudoHeader`, verify its checksum. Never throws. Bytes after the
 * UDP length are ignored (the IP layer decides the datagram's extent; RFC 768 lets UDP's length
 * be shorter).
 */
export function parseUdp(bytes: Uint8Array, pseudoHeader?: PseudoHeader): Result<UdpDatagram> {
  if (bytes.length < UDP_HEADER_LENGTH) return fail('truncated', `UDP header needs ${UDP_HEADER_LENGTH} bytes, got ${bytes.length}`);
  const length = readU16(bytes, 4);
  if (length < UDP_HEADER_LENGTH) return fail('bad-length', `UDP length ${length} < ${UDP_HEADER_LENGTH}`);
  if (length > bytes.length) return fail('truncated', `UDP length ${length}, only ${bytes.length} bytes present`);
  const checksum = readU16(bytes, 6);
  const datagram = bytes.subarray(0, length);
  let checksumStatus: UdpChecksumStatus = 'unverified';
  if (pseudoHeader) {
    const v6 = pseudoHeader.source.length === 16;
    if (checksum === 0) {
      if (v6) return fail('bad-checksum', 'UDP checksum 0 over IPv6 (mandatory there, RFC 8200 §8.1)');
      checksumStatus = 'absent';
    } else {
      const sum = internetChecksum(datagram, pseudoHeaderSum(pseudoHeader.source, pseudoHeader.destination, IpProtocol.UDP, length));
      if (sum !== 0) return fail('bad-checksum', `UDP checksum 0x${checksum.toString(16).padStart(4, '0')} is wrong`);
      checksumStatus = 'good';
    }
  }
  return ok({
    sourcePort: readU16(bytes, 0),
    destinationPort: readU16(bytes, 2),
    length,
    checksum,
    checksumStatus,
    payload: bytes.subarray(UDP_HEADER_LENGTH, length),
  });
}

/** Options of a whole IPv4 + UDP packet: the IPv4 header fields and the UDP ones. */
export type Ipv4UdpOptions = Omit<Ipv4BuildOptions, 'protocol'> & {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
  /** Compute the UDP checksum (default true); false sends 0, "no checksum". */
  readonly udpChecksum?: boolean;
};

export function buildIpv4UdpPacket(opts: Ipv4UdpOptions): Uint8Array {
  const { sourcePort, destinationPort, payload } = opts;
  checkInt('sourcePort', sourcePort, 0, 0xffff);
  checkInt('destinationPort', destinationPort, 0, 0xffff);
  const length = UDP_HEADER_LENGTH + payload.length;
  checkInt('UDP length (8 + payload)', length, UDP_HEADER_LENGTH, 0xffff);
  // One buffer: IPv4 header, then the datagram written in place (no intermediate copy).
  const out = new Uint8Array(IPV4_HEADER_LENGTH + length);
  writeIpv4Header({ ...opts, protocol: IpProtocol.UDP }, length, out);
  const d = out.subarray(IPV4_HEADER_LENGTH);
  writeU16(d, 0, sourcePort);
  writeU16(d, 2, destinationPort);
  writeU16(d, 4, length);
  d.set(payload, UDP_HEADER_LENGTH);
  if (opts.udpChecksum !== false) writeU16(d, 6, udpChecksum(d, { source: opts.source, destination: opts.destination }));
  return out;
}

export type Ipv6UdpOptions = Omit<Ipv6BuildOptions, 'nextHeader'> & {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
};

export function buildIpv6UdpPacket(opts: Ipv6UdpOptions): Uint8Array {
  const udp = buildUdp({
    sourcePort: opts.sourcePort,
    destinationPort: opts.destinationPort,
    payload: opts.payload,
    pseudoHeader: { source: opts.source, destination: opts.destination },
  });
  return buildIpv6Packet({ ...opts, nextHeader: IpProtocol.UDP, payload: udp });
}
