// UDP encapsulation of ESP for NAT traversal (RFC 3948). On UDP 4500 three things share the
// port, told apart by the first bytes of the UDP payload (RFC 3948 §2):
//   - a single 0xFF byte: NAT-keepalive (§2.3), to be ignored;
//   - four zero bytes (the non-ESP marker, where an SPI can never be 0): an IKE message (§2.2);
//   - anything else: an ESP packet starting at its SPI (§2.1).
// ESP-in-UDP goes out with a zero UDP checksum (§2.1 "SHOULD be transmitted as a zero value"),
// which is what the IPv4 builders here do; receivers must not rely on it being zero. Over IPv6
// a UDP checksum is mandatory (RFC 8200 §8.1), so the IPv6 builder computes it.

import { concatBytes, readU32 } from './bytes.js';
import type { Ipv4BuildOptions } from './ipv4.js';
import type { Ipv6BuildOptions } from './ipv6.js';
import { buildIpv4UdpPacket, buildIpv6UdpPacket, buildUdp } from './udp.js';

export const NAT_T_PORT = 4500;
export const IKE_PORT = 500;
export const NON_ESP_MARKER = Uint8Array.of(0, 0, 0, 0);
export const NAT_KEEPALIVE_PAYLOAD = Uint8Array.of(0xff);
/** SPI + sequence number: the least an ESP packet can be. */
export const ESP_HEADER_LENGTH = 8;

export type NatTPayload =
  | { readonly kind: 'keepalive' }
  /** `message` is the IKE message after the marker. */
  | { readonly kind: 'ike'; readonly message: Uint8Array }
  /** `esp` is the whole ESP packet (SPI .. ICV). */
  | { readonly kind: 'esp'; readonly spi: number; readonly sequence: number; readonly esp: Uint8Array }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Classify the payload of a UDP datagram received on port 4500. Never throws. */
export function classifyNatTPayload(payload: Uint8Array): NatTPayload {
  if (payload.length === 1 && payload[0] === 0xff) return { kind: 'keepalive' };
  if (payload.length >= 4 && payload[0] === 0 && payload[1] === 0 && payload[2] === 0 && payload[3] === 0) {
    return { kind: 'ike', message: payload.subarray(4) };
  }
  if (payload.length < ESP_HEADER_LENGTH) {
    return { kind: 'invalid', reason: `${payload.length} bytes: neither a keepalive, an IKE message nor ESP` };
  }
  return { kind: 'esp', spi: readU32(payload, 0), sequence: readU32(payload, 4), esp: payload };
}

export interface NatTPorts {
  /** Default 4500. */
  readonly sourcePort?: number;
  /** Default 4500. */
  readonly destinationPort?: number;
}

function ports(p: NatTPorts): { sourcePort: number; destinationPort: number } {
  return { sourcePort: p.sourcePort ?? NAT_T_PORT, destinationPort: p.destinationPort ?? NAT_T_PORT };
}

function checkEsp(esp: Uint8Array): void {
  if (esp.length < ESP_HEADER_LENGTH) throw new RangeError(`ESP packet must be at least ${ESP_HEADER_LENGTH} bytes, got ${esp.length}`);
  if (readU32(esp, 0) === 0) throw new RangeError('ESP SPI 0 would read as the non-ESP marker (RFC 3948 §2.2)');
}

/** The UDP payload for an IKE message on port 4500: non-ESP marker + message. */
export function ikeNatTPayload(ikeMessage: Uint8Array): Uint8Array {
  return concatBytes(NON_ESP_MARKER, ikeMessage);
}

/** A UDP datagram (header + payload) carrying ESP, zero checksum. */
export function wrapEspInUdp(esp: Uint8Array, p: NatTPorts = {}): Uint8Array {
  checkEsp(esp);
  return buildUdp({ ...ports(p), payload: esp });
}

/** A whole IPv4 packet: IPv4 / UDP 4500 (zero checksum) / ESP. */
export function buildEspInUdpIpv4Packet(opts: Omit<Ipv4BuildOptions, 'protocol'> & NatTPorts & { readonly esp: Uint8Array }): Uint8Array {
  checkEsp(opts.esp);
  return buildIpv4UdpPacket({ ...opts, ...ports(opts), payload: opts.esp, udpChecksum: false });
}

/** A whole IPv6 packet: IPv6 / UDP 4500 (with its mandatory checksum) / ESP. */
export function buildEspInUdpIpv6Packet(opts: Omit<Ipv6BuildOptions, 'nextHeader'> & NatTPorts & { readonly esp: Uint8Array }): Uint8Array {
  checkEsp(opts.esp);
  return buildIpv6UdpPacket({ ...opts, ...ports(opts), payload: opts.esp });
}

/** A whole IPv4 packet: IPv4 / UDP 4500 (with checksum) / non-ESP marker / IKE message. */
export function buildIkeNatTIpv4Packet(opts: Omit<Ipv4BuildOptions, 'protocol'> & NatTPorts & { readonly ike: Uint8Array }): Uint8Array {
  return buildIpv4UdpPacket({ ...opts, ...ports(opts), payload: ikeNatTPayload(opts.ike) });
}

/**
 * A whole IPv4 NAT-keepalive packet: UDP 4500 carrying the single byte 0xFF. RFC 3948 asks for
 * no special checksum here, so it is an ordinary checksummed datagram (as IKE daemons send it
 * through their UDP socket).
 */
export function buildNatKeepaliveIpv4Packet(opts: Omit<Ipv4BuildOptions, 'protocol'> & NatTPorts): Uint8Array {
  return buildIpv4UdpPacket({ ...opts, ...ports(opts), payload: NAT_KEEPALIVE_PAYLOAD });
}
