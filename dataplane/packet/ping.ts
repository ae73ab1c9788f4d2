// What Junos `ping` puts on the wire. Junos runs FreeBSD's ping(8), so the echo data is laid
// out as FreeBSD's sbin/ping/ping.c lays it out (read in the FreeBSD 10.x source):
//   - default data size 56 bytes (DEFDATALEN) -> 64-byte ICMP message, 84-byte IPv4 packet;
//   - when the data size is at least 8 (sizeof(struct tv32)), the first 8 data bytes are the
//     send time as two 32-bit big-endian words, seconds and microseconds (htonl of
//     gettimeofday's tv_sec / tv_usec), rewritten for every packet;
//   - every data byte i from 8 on holds i mod 256 (`for (i = TIMEVAL_LEN; i < datalen; ++i)
//     *datap++ = i;` into a u_char buffer), or, with `ping ... pattern P` (-p), the pattern
//     bytes repeated from offset 8;
//   - data shorter than 8 bytes carries no timestamp and stays zero (the fill loop starts at 8);
//   - sequence numbers start at 0 and count up (htons(ntransmitted)); the identifier is the
//     process id's low 16 bits, stored without htons (so byte-swapped on the wire of a
//     little-endian RE): the builders take the identifier as the value on the wire.
// Linux ping differs (16-byte timeval, fill starting at 0x10): see the strongSwan captures.
// The time comes from the device clock, never the host's.

import { checkInt } from './bytes.js';
import { buildIcmpEchoIpv4Packet, type Ipv4IcmpOptions } from './icmp.js';

/** Junos ping's default data size (ICMP echo data, excluding the 8-byte ICMP header). */
export const JUNOS_PING_DEFAULT_DATA_SIZE = 56;
/** Bytes of the send timestamp at the start of the echo data (FreeBSD's struct tv32). */
export const PING_TIMESTAMP_LENGTH = 8;

export interface PingPayloadOptions {
  /** Device time of sending, ms since the Unix epoch (fractions give microseconds). */
  readonly timeMs: number;
  /** Echo data size in bytes (Junos `size`), default 56. */
  readonly size?: number;
  /** Junos `pattern` (ping -p): 1..16 bytes repeated after the timestamp. */
  readonly pattern?: Uint8Array;
}

/** The echo data of one Junos ping packet. */
export function junosPingPayload(opts: PingPayloadOptions): Uint8Array {
  const size = opts.size ?? JUNOS_PING_DEFAULT_DATA_SIZE;
  // FreeBSD's maxpayload: IP_MAXPACKET − IPv4 header − ICMP header.
  checkInt('size', size, 0, 65535 - 20 - 8);
  const pattern = opts.pattern;
  if (pattern && (pattern.length < 1 || pattern.length > 16)) {
    throw new RangeError(`pattern must be 1..16 bytes, got ${pattern.length}`);
  }
  const data = new Uint8Array(size);
  if (size < PING_TIMESTAMP_LENGTH) return data;
  writePingTimestamp(data, opts.timeMs);
  for (let i = PING_TIMESTAMP_LENGTH; i < size; i++) {
    data[i] = pattern ? pattern[(i - PING_TIMESTAMP_LENGTH) % pattern.length]! : i & 0xff;
  }
  return data;
}

/** Write the FreeBSD tv32 timestamp (seconds, microseconds; big-endian) at the start of `data`. */
export function writePingTimestamp(data: Uint8Array, timeMs: number): void {
  if (!Number.isFinite(timeMs) || timeMs < 0) throw new RangeError(`timeMs must be a non-negative number, got ${timeMs}`);
  // Rounded to the microsecond: a ms count near 1.8e12 carries float error that truncation
  // would turn into −1 µs.
  let sec = Math.floor(timeMs / 1000);
  let usec = Math.round((timeMs - sec * 1000) * 1000);
  if (usec >= 1_000_000) {
    sec += 1;
    usec -= 1_000_000;
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  dv.setUint32(0, sec >>> 0); // tv_sec truncated to 32 bits, as (uint32_t)htonl() does
  dv.setUint32(4, usec);
}

/** The send time carried in echo data, in ms (with µs precision); undefined if too short. */
export function readPingTimestamp(data: Uint8Array): number | undefined {
  if (data.length < PING_TIMESTAMP_LENGTH) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return dv.getUint32(0) * 1000 + dv.getUint32(4) / 1000;
}

/** One Junos ping echo request as a whole IPv4 packet (84 bytes with the default size). */
export function buildJunosPingIpv4Packet(
  opts: Ipv4IcmpOptions &
    PingPayloadOptions & {
      readonly identifier: number;
      readonly sequence: number;
    },
): Uint8Array {
  return buildIcmpEchoIpv4Packet({ ...opts, payload: junosPingPayload(opts) });
}
