// Classic libpcap files (the format of tcpdump -w; Wireshark's "pcap").
//
// Writing: little-endian, microsecond timestamps (magic a1b2c3d4 stored as d4 c3 b2 a1),
// version 2.4, LINKTYPE_RAW (101): each record is a bare IPv4 or IPv6 packet, the version
// nibble telling which. Why raw IP rather than Ethernet: the emulator's packets are L3 (st0 has
// no link layer at all, and no MAC addresses are modelled, so an Ethernet header would be
// invented bytes); one linktype serves IPv4 and IPv6; and tshark dissects raw IP exactly as it
// does Ethernet-framed IP, including UDP 4500 -> udpencap -> ESP decryption with the SA table
// (checked by test/unit/capture/tshark.test.ts with the strongSwan ESP packets).
//
// Reading (tests, the shared captures, files users bring): both byte orders, micro- and
// nanosecond magics, and the linktypes ETHERNET (1; 802.1Q/802.1ad tags skipped), RAW (101),
// IPV4 (228) and IPV6 (229). The shared captures in ../shared/vectors/captures are Ethernet.
//
// Timestamps are the caller's: the emulator's device clock in ms since the epoch, never
// Date.now(), so captures of a --batch run are reproducible.

import { closeSync, openSync, writeSync } from 'node:fs';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;

export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
/** tcpdump's default snapshot length. */
export const PCAP_DEFAULT_SNAPLEN = 262144;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;

export interface PcapWriteOptions {
  /** Default LINKTYPE_RAW. */
  readonly linktype?: number;
  /** Longer packets are cut to this many bytes (their original length is kept). Default 262144. */
  readonly snaplen?: number;
}

export interface PcapPacketIn {
  /** Device time, ms since the Unix epoch; fractions give microseconds. */
  readonly timeMs: number;
  readonly data: Uint8Array;
}

/** The 24-byte global header. */
export function pcapGlobalHeader(options: PcapWriteOptions = {}): Uint8Array {
  const linktype = options.linktype ?? LINKTYPE_RAW;
  const snaplen = options.snaplen ?? PCAP_DEFAULT_SNAPLEN;
  checkU32('linktype', linktype);
  checkU32('snaplen', snaplen);
  if (snaplen === 0) throw new RangeError('snaplen must be > 0');
  const h = new Uint8Array(PCAP_GLOBAL_HEADER_LENGTH);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, MAGIC_MICRO, true);
  dv.setUint16(4, 2, true); // version 2.4
  dv.setUint16(6, 4, true);
  // thiszone (8) and sigfigs (12) stay 0: timestamps are UTC, accuracy unstated.
  dv.setUint32(16, snaplen, true);
  dv.setUint32(20, linktype, true);
  return h;
}

/**
 * Seconds and microseconds of a ms timestamp, rounded to the nearest microsecond (a ms count
 * near 1.8e12 carries a few 1e-4 ms of float error, which truncation would turn into −1 µs).
 */
export function splitTimestamp(timeMs: number): { seconds: number; micros: number } {
  if (!Number.isFinite(timeMs) || timeMs < 0) throw new RangeError(`pcap timestamp must be a non-negative ms count, got ${timeMs}`);
  let seconds = Math.floor(timeMs / 1000);
  let micros = Math.round((timeMs - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds += 1;
    micros -= 1_000_000;
  }
  if (seconds > 0xffffffff) throw new RangeError(`pcap timestamp past 2106 (2^32 s): ${timeMs} ms`);
  return { seconds, micros };
}

/** One record: 16-byte header + the (possibly snaplen-cut) packet bytes. */
export function pcapRecord(packet: PcapPacketIn, snaplen = PCAP_DEFAULT_SNAPLEN): Uint8Array {
  const { seconds, micros } = splitTimestamp(packet.timeMs);
  const caplen = Math.min(packet.data.length, snaplen);
  const r = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + caplen);
  const dv = new DataView(r.buffer);
  dv.setUint32(0, seconds, true);
  dv.setUint32(4, micros, true);
  dv.setUint32(8, caplen, true);
  dv.setUint32(12, packet.data.length, true);
  r.set(packet.data.subarray(0, caplen), PCAP_RECORD_HEADER_LENGTH);
  return r;
}

/** A whole pcap file in memory. */
export function encodePcap(packets: Iterable<PcapPacketIn>, options: PcapWriteOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [pcapGlobalHeader(options)];
  const snaplen = options.snaplen ?? PCAP_DEFAULT_SNAPLEN;
  let total = parts[0]!.length;
  for (const p of packets) {
    const r = pcapRecord(p, snaplen);
    parts.push(r);
    total += r.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Records are buffered and written in chunks of about this many bytes. */
const FLUSH_THRESHOLD = 64 * 1024;

/**
 * Appends packets to a pcap file as they pass (`lab capture start|stop`). The file is created
 * (truncated) with its global header at once; records are buffered and written with writeSync
 * when 64 KiB accumulate, on flush(), and on close().
 */
export class PcapWriter {
  private fd: number | undefined;
  private readonly snaplen: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private count = 0;

  constructor(
    readonly path: string,
    options: PcapWriteOptions = {},
  ) {
    const header = pcapGlobalHeader(options);
    this.snaplen = options.snaplen ?? PCAP_DEFAULT_SNAPLEN;
    this.fd = openSync(path, 'w');
    try {
      writeAll(this.fd, header);
    } catch (e) {
      closeSync(this.fd);
      this.fd = undefined;
      throw e;
    }
  }

  /** Packets written so far (including those still buffered). */
  get packets(): number {
    return this.count;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  /** Append one packet seen at device time `timeMs` (ms since the epoch). */
  write(timeMs: number, data: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`pcap writer for ${this.path} is closed`);
    const r = pcapRecord({ timeMs, data }, this.snaplen);
    this.pending.push(r);
    this.pendingBytes += r.length;
    this.count++;
    if (this.pendingBytes >= FLUSH_THRESHOLD) this.flush();
  }

  /** Write buffered records to the file. */
  flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const chunk = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const r of this.pending) {
      chunk.set(r, at);
      at += r.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    writeAll(this.fd, chunk);
  }

  /** Flush and close; further writes throw, a second close does nothing. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    try {
      this.flush();
    } finally {
      this.fd = undefined;
      closeSync(fd);
    }
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let at = 0;
  while (at < data.length) at += writeSync(fd, data, at, data.length - at);
}

function checkU32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${name} must be a 32-bit unsigned integer, got ${v}`);
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface PcapPacket {
  /** Timestamp in ms since the epoch (sub-ms part from the µs/ns field). */
  readonly timeMs: number;
  readonly seconds: number;
  /** Microseconds, or nanoseconds when the file says so (`PcapFile.nanosecond`). */
  readonly fraction: number;
  /** Bytes captured (caplen). */
  readonly data: Uint8Array;
  /** Length of the packet on the wire (≥ data.length when snaplen cut it). */
  readonly originalLength: number;
}

export interface PcapFile {
  readonly linktype: number;
  readonly snaplen: number;
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly packets: readonly PcapPacket[];
}

export type PcapErrorCode = 'not-pcap' | 'truncated' | 'bad-record' | 'unsupported-linktype' | 'not-ip';

export interface PcapError {
  readonly code: PcapErrorCode;
  readonly message: string;
}

export type PcapResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PcapError };

function pfail(code: PcapErrorCode, message: string): { readonly ok: false; readonly error: PcapError } {
  return { ok: false, error: { code, message } };
}

/** Parse a whole pcap file. Never throws; packet data are views into `bytes`. (pcapng is refused.) */
export function readPcap(bytes: Uint8Array): PcapResult<PcapFile> {
  if (bytes.length < PCAP_GLOBAL_HEADER_LENGTH) {
    return pfail('truncated', `pcap global header needs ${PCAP_GLOBAL_HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian: boolean;
  let nanosecond: boolean;
  const le = dv.getUint32(0, true);
  const be = dv.getUint32(0, false);
  if (le === MAGIC_MICRO || le === MAGIC_NANO) {
    littleEndian = true;
    nanosecond = le === MAGIC_NANO;
  } else if (be === MAGIC_MICRO || be === MAGIC_NANO) {
    littleEndian = false;
    nanosecond = be === MAGIC_NANO;
  } else {
    const hint = be === 0x0a0d0d0a ? ' (this is pcapng; convert with `editcap -F pcap`)' : '';
    return pfail('not-pcap', `not a pcap file: magic 0x${be.toString(16).padStart(8, '0')}${hint}`);
  }
  const versionMajor = dv.getUint16(4, littleEndian);
  const versionMinor = dv.getUint16(6, littleEndian);
  const snaplen = dv.getUint32(16, littleEndian);
  // The top bits of the linktype word may carry an FCS length (pcap-linktype(7)); the type is the low 28.
  const linktype = dv.getUint32(20, littleEndian) & 0x0fffffff;
  const packets: PcapPacket[] = [];
  let at = PCAP_GLOBAL_HEADER_LENGTH;
  while (at < bytes.length) {
    const n = packets.length + 1;
    if (at + PCAP_RECORD_HEADER_LENGTH > bytes.length) {
      return pfail('truncated', `record ${n}: header cut at byte ${at} (file is ${bytes.length} bytes)`);
    }
    const seconds = dv.getUint32(at, littleEndian);
    const fraction = dv.getUint32(at + 4, littleEndian);
    const caplen = dv.getUint32(at + 8, littleEndian);
    const originalLength = dv.getUint32(at + 12, littleEndian);
    if (fraction >= (nanosecond ? 1e9 : 1e6)) {
      return pfail('bad-record', `record ${n}: sub-second field ${fraction} out of range`);
    }
    if (originalLength < caplen) {
      return pfail('bad-record', `record ${n}: original length ${originalLength} < captured ${caplen}`);
    }
    const start = at + PCAP_RECORD_HEADER_LENGTH;
    if (start + caplen > bytes.length) {
      return pfail('truncated', `record ${n}: ${caplen} bytes announced, ${bytes.length - start} left`);
    }
    packets.push({
      timeMs: seconds * 1000 + (nanosecond ? fraction / 1e6 : fraction / 1e3),
      seconds,
      fraction,
      data: bytes.subarray(start, start + caplen),
      originalLength,
    });
    at = start + caplen;
  }
  return { ok: true, value: { linktype, snaplen, littleEndian, nanosecond, versionMajor, versionMinor, packets } };
}

/** The IP packet inside one record's data, for the linktypes the reader supports. */
export function ipPacketOf(linktype: number, data: Uint8Array): PcapResult<{ readonly version: 4 | 6; readonly packet: Uint8Array }> {
  let packet: Uint8Array;
  let version: number;
  switch (linktype) {
    case LINKTYPE_ETHERNET: {
      let at = 12;
      if (data.length < at + 2) return pfail('truncated', `Ethernet header needs 14 bytes, got ${data.length}`);
      let ethertype = (data[at]! << 8) | data[at + 1]!;
      // 802.1Q / 802.1ad VLAN tags (possibly stacked): 4 bytes each before the real type.
      while (ethertype === 0x8100 || ethertype === 0x88a8) {
        at += 4;
        if (data.length < at + 2) return pfail('truncated', 'VLAN tag cut short');
        ethertype = (data[at]! << 8) | data[at + 1]!;
      }
      if (ethertype === 0x0800) version = 4;
      else if (ethertype === 0x86dd) version = 6;
      else return pfail('not-ip', `ethertype 0x${ethertype.toString(16).padStart(4, '0')} is not IP`);
      packet = data.subarray(at + 2);
      break;
    }
    case LINKTYPE_RAW:
      if (data.length < 1) return pfail('truncated', 'empty raw IP record');
      version = data[0]! >> 4;
      packet = data;
      break;
    case LINKTYPE_IPV4:
      version = 4;
      packet = data;
      break;
    case LINKTYPE_IPV6:
      version = 6;
      packet = data;
      break;
    default:
      return pfail('unsupported-linktype', `linktype ${linktype} is not supported (1, 101, 228, 229 are)`);
  }
  if (version !== 4 && version !== 6) return pfail('not-ip', `IP version nibble ${version}`);
  if (packet.length >= 1 && packet[0]! >> 4 !== version) {
    return pfail('not-ip', `link layer says IPv${version}, packet says version ${packet[0]! >> 4}`);
  }
  return { ok: true, value: { version, packet } };
}
