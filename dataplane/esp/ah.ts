/**
 * AH in tunnel mode (RFC 4302): outer IPv4 or IPv6 header ‖ AH ‖ inner packet. The outer
 * family is the tunnel ends' family.
 *
 * AH header (RFC 4302 §2): next header (1) ‖ payload length (1, the AH length in 32-bit words
 * minus 2) ‖ reserved (2) ‖ SPI (4) ‖ sequence number (4) ‖ ICV. Every Junos ICV (12, 16, 24,
 * 32 bytes) is a multiple of 4, so IPv4 needs no ICV padding; IPv6 wants the AH length to be a
 * multiple of 8 (§2.2, §3.3.3.2.1), so 16- and 24-byte ICVs (hmac-sha-256-128, hmac-sha-384)
 * are followed by 4 zero bytes of padding there, covered by the ICV as zeros.
 *
 * The ICV is the truncated HMAC over (§3.3.3.1): the outer header with its mutable fields
 * zeroed (IPv4: TOS, flags + fragment offset, TTL, header checksum, a mutable option as a
 * whole, Appendix A.1; IPv6: traffic class, flow label, hop limit, Appendix A.2), the AH header
 * with the ICV (and padding) zeroed, the inner packet, and with ESN the high 32 bits of the
 * sequence number appended (§3.3.3.2, not transmitted). IPv6 extension headers before AH are
 * not produced and, received, are refused as 'bad-header'.
 *
 * Unlike ESP, the protected output is the whole outer packet, because the ICV covers the outer
 * header. `ahVerify` never throws on packet bytes; fragments are refused (AH is applied to
 * whole datagrams only, §3.4.1) as 'bad-header'.
 */
import { constantTimeEqual, type CryptoEngine, type EngineName, type HmacContext } from '../../crypto/engine.js';
import { authenticationSuite, type AuthenticationSuite } from '../../crypto/suites.js';
import { REPLAY, type ReplayWindow } from './replay-window.js';
import { checkSaRecord, checkSeq, tunnelAddressBytes, type SaRecord } from './sa.js';
import { readU32, writeU32 } from '../packet/bytes.js';
import { scratchOf } from './scratch.js';

export const IPPROTO_AH = 51;
const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
const AH_FIXED = 12;
const TWO32 = 0x1_0000_0000;

export type AhDropReason = 'bad-header' | 'invalid-spi' | 'replay' | 'auth';

export type AhVerdict =
  | { readonly ok: true; readonly seq: number; readonly nextHeader: number; readonly inner: Uint8Array }
  | { readonly ok: false; readonly reason: AhDropReason };

export interface AhVerifyOptions {
  readonly seqHigh?: number;
  readonly window?: ReplayWindow;
}

/** Fields of the outer IPv4 header a sender may choose; defaults: TOS 0, id 0, TTL 64, DF clear. */
export interface OuterIpv4 {
  readonly tos?: number;
  readonly id?: number;
  readonly ttl?: number;
  readonly dontFragment?: boolean;
}

/** IPv4 option types that are immutable in transit (RFC 4302 Appendix A.1); all others are zeroed. */
const IMMUTABLE_OPTIONS = new Set([0, 1, 130, 133, 134, 148, 149]);

export class AhContext {
  readonly spi: number;
  readonly esn: boolean;
  readonly engine: EngineName;
  readonly integrity: AuthenticationSuite;
  readonly icvLength: number;
  /** The outer header's family (the tunnel ends'). */
  readonly family: 4 | 6;
  /** Bytes of the AH header including the ICV (and, over IPv6, its padding). */
  readonly ahLength: number;
  /** @internal */ readonly _hmac: HmacContext;
  /** @internal outbound source and destination */ readonly _src: Uint8Array;
  /** @internal */ readonly _dst: Uint8Array;

  constructor(sa: SaRecord, engine: CryptoEngine) {
    checkSaRecord(sa);
    if (sa.protocol !== 'ah') throw new RangeError('protocol: an AH context needs an AH SA');
    this.spi = sa.spi;
    this.esn = sa.esn;
    this.engine = engine.name;
    this.integrity = authenticationSuite(sa.authentication!);
    this.icvLength = this.integrity.icvLength;
    this._src = tunnelAddressBytes(sa.tunnel.local);
    this._dst = tunnelAddressBytes(sa.tunnel.remote);
    this.family = this._src.length === 16 ? 6 : 4;
    this.ahLength = ahHeaderLength(this.icvLength, this.family);
    this._hmac = engine.hmac(this.integrity.hash, sa.authenticationKey);
  }
}

export function createAhContext(sa: SaRecord, engine: CryptoEngine): AhContext {
  return new AhContext(sa, engine);
}

/** Bytes of the AH header with an ICV of `icvLength`: a multiple of 4 over IPv4, of 8 over IPv6. */
export function ahHeaderLength(icvLength: number, family: 4 | 6): number {
  const n = AH_FIXED + icvLength;
  return family === 6 ? Math.ceil(n / 8) * 8 : n;
}

/** Bytes of the protected packet (outer header ‖ AH ‖ inner). */
export function ahPacketLength(icvLength: number, innerLength: number, family: 4 | 6 = 4): number {
  return (family === 6 ? IPV6_HEADER : IPV4_HEADER) + ahHeaderLength(icvLength, family) + innerLength;
}

function ipv4Checksum(b: Uint8Array, o: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i += 2) sum += (b[o + i]! << 8) | b[o + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function macInput(ctx: AhContext, buf: Uint8Array, length: number, high: number): Uint8Array {
  if (!ctx.esn) return buf.subarray(0, length);
  writeU32(buf, length, high);
  return buf.subarray(0, length + 4);
}

/**
 * Write outer header ‖ AH ‖ inner into `out` at `offset`; returns the packet length. `inner` may
 * lie inside `out` (in-place batches): it is copied away first. Over IPv6, `outer.tos` is the
 * traffic class and `outer.ttl` the hop limit; `id` and `dontFragment` do not apply.
 */
export function ahProtectInto(
  ctx: AhContext,
  seq: number,
  inner: Uint8Array,
  nextHeader: number,
  out: Uint8Array,
  offset: number,
  outer: OuterIpv4 = {},
): number {
  if (!(ctx instanceof AhContext)) throw new TypeError('ctx: expected an AhContext');
  checkSeq(ctx, seq);
  if (!(inner instanceof Uint8Array)) throw new TypeError('innerPacket: expected a Uint8Array');
  if (!Number.isInteger(nextHeader) || nextHeader < 0 || nextHeader > 255) throw new RangeError('nextHeader: expected 0..255');
  const v6 = ctx.family === 6;
  const ipHeader = v6 ? IPV6_HEADER : IPV4_HEADER;
  const total = ahPacketLength(ctx.icvLength, inner.length, ctx.family);
  if (total - (v6 ? IPV6_HEADER : 0) > 0xffff) throw new RangeError(`innerPacket: ${inner.length} bytes do not fit in one IPv${ctx.family} packet with AH`);
  if (!(out instanceof Uint8Array)) throw new TypeError('out: expected a Uint8Array');
  if (!Number.isInteger(offset) || offset < 0 || offset + total > out.length) throw new RangeError(`out: ${total} bytes at offset ${offset} do not fit in ${out.length}`);
  const ttl = outer.ttl ?? 64;
  const tos = outer.tos ?? 0;
  const id = outer.id ?? 0;
  if (![ttl, tos].every((v) => Number.isInteger(v) && v >= 0 && v <= 255) || !Number.isInteger(id) || id < 0 || id > 0xffff) {
    throw new RangeError('outer: tos and ttl take 0..255, id 0..65535');
  }

  const high = Math.floor(seq / TWO32);
  const low = seq - high * TWO32;
  const hdrEnd = ipHeader + ctx.ahLength;
  const s = scratchOf(total + 4);
  s.set(inner, hdrEnd);
  // Outer header with the mutable fields zeroed, as the ICV sees it.
  s.fill(0, 0, hdrEnd);
  s[ipHeader] = nextHeader;
  s[ipHeader + 1] = ctx.ahLength / 4 - 2;
  writeU32(s, ipHeader + 4, ctx.spi);
  writeU32(s, ipHeader + 8, low);
  if (v6) {
    s[0] = 0x60;
    s[4] = (total - IPV6_HEADER) >>> 8; // payload length
    s[5] = (total - IPV6_HEADER) & 0xff;
    s[6] = IPPROTO_AH;
    s.set(ctx._src, 8);
    s.set(ctx._dst, 24);
  } else {
    s[0] = 0x45;
    s[2] = total >>> 8;
    s[3] = total & 0xff;
    s[4] = id >>> 8;
    s[5] = id & 0xff;
    s[9] = IPPROTO_AH;
    s.set(ctx._src, 12);
    s.set(ctx._dst, 16);
  }
  const mac = ctx._hmac.mac(macInput(ctx, s, total, high));
  s.set(mac.subarray(0, ctx.icvLength), ipHeader + AH_FIXED);
  // Then the real mutable fields (IPv6: traffic class and hop limit, the flow label stays 0;
  // IPv4: TOS, DF, TTL and the checksum).
  if (v6) {
    s[0] = 0x60 | (tos >>> 4);
    s[1] = (tos & 0x0f) << 4;
    s[7] = ttl;
  } else {
    s[1] = tos;
    s[6] = outer.dontFragment ? 0x40 : 0;
    s[8] = ttl;
    const sum = ipv4Checksum(s, 0, IPV4_HEADER);
    s[10] = sum >>> 8;
    s[11] = sum & 0xff;
  }
  out.set(s.subarray(0, total), offset);
  return total;
}

/** Outer header ‖ AH ‖ inner as a new array (tunnel mode: next header 4 for IPv4 inside). */
export function ahProtect(ctx: AhContext, seq: number, innerPacket: Uint8Array, nextHeader = 4, outer: OuterIpv4 = {}): Uint8Array {
  if (!(ctx instanceof AhContext)) throw new TypeError('ctx: expected an AhContext');
  if (!(innerPacket instanceof Uint8Array)) throw new TypeError('innerPacket: expected a Uint8Array');
  const out = new Uint8Array(ahPacketLength(ctx.icvLength, innerPacket.length, ctx.family));
  ahProtectInto(ctx, seq, innerPacket, nextHeader, out, 0, outer);
  return out;
}

const BAD_HEADER: AhVerdict = Object.freeze({ ok: false, reason: 'bad-header' });
const INVALID_SPI: AhVerdict = Object.freeze({ ok: false, reason: 'invalid-spi' });
const REPLAYED: AhVerdict = Object.freeze({ ok: false, reason: 'replay' });
const AUTH: AhVerdict = Object.freeze({ ok: false, reason: 'auth' });

/** Where the AH header starts in an IPv4 or IPv6 packet carrying AH (right after the fixed IPv6 header), or -1. */
function ahOffset(p: Uint8Array): number {
  if (p.length >= IPV6_HEADER && p[0]! >>> 4 === 6) return p[6] === IPPROTO_AH ? IPV6_HEADER : -1;
  if (p.length < IPV4_HEADER || p[0]! >>> 4 !== 4) return -1;
  const hl = (p[0]! & 0x0f) * 4;
  if (hl < IPV4_HEADER || p[9] !== IPPROTO_AH) return -1;
  return hl;
}

/** The SPI of an IPv4 or IPv6 packet carrying AH, or -1. */
export function peekAhSpi(packet: Uint8Array): number {
  if (!(packet instanceof Uint8Array)) return -1;
  const hl = ahOffset(packet);
  return hl < 0 || packet.length < hl + AH_FIXED ? -1 : readU32(packet, hl + 4);
}

/** The low 32 bits of the sequence number of an AH packet (after peekAhSpi succeeded). */
export function peekAhSeqLow(packet: Uint8Array): number {
  return readU32(packet, ahOffset(packet) + 8);
}

/** Verify an outer header ‖ AH ‖ inner packet (of the SA's family). */
export function ahVerify(ctx: AhContext, packet: Uint8Array, options: AhVerifyOptions = {}): AhVerdict {
  if (!(ctx instanceof AhContext)) throw new TypeError('ctx: expected an AhContext');
  if (!(packet instanceof Uint8Array)) return BAD_HEADER;
  const hl = ahOffset(packet);
  if (hl < 0 || (hl === IPV6_HEADER && packet[0]! >>> 4 === 6) !== (ctx.family === 6)) return BAD_HEADER;
  const v6 = ctx.family === 6;
  const total = v6 ? IPV6_HEADER + ((packet[4]! << 8) | packet[5]!) : (packet[2]! << 8) | packet[3]!;
  if (total > packet.length || total < hl + ctx.ahLength) return BAD_HEADER;
  if (!v6 && (((packet[6]! << 8) | packet[7]!) & 0x3fff) !== 0) return BAD_HEADER; // MF or an offset: a fragment
  if ((packet[hl + 1]! + 2) * 4 !== ctx.ahLength) return BAD_HEADER;
  if (readU32(packet, hl + 4) !== ctx.spi) return INVALID_SPI;
  const low = readU32(packet, hl + 8);

  const window = options.window;
  let seq: number;
  if (window !== undefined) {
    seq = window.check(low);
    if (seq === REPLAY) return REPLAYED;
  } else {
    const h = options.seqHigh ?? 0;
    seq = ctx.esn && Number.isInteger(h) && h > 0 && h < TWO32 ? h * TWO32 + low : low;
  }

  const s = scratchOf(total + 4);
  s.set(packet.subarray(0, total), 0);
  if (v6) {
    s[0] = 0x60; // traffic class and flow label
    s[1] = 0;
    s[2] = 0;
    s[3] = 0;
    s[7] = 0; // hop limit
  } else {
    s[1] = 0;
    s[6] = 0;
    s[7] = 0;
    s[8] = 0;
    s[10] = 0;
    s[11] = 0;
    if (!zeroMutableOptions(s, hl)) return BAD_HEADER;
  }
  s.fill(0, hl + AH_FIXED, hl + ctx.ahLength);
  const mac = ctx._hmac.mac(macInput(ctx, s, total, Math.floor(seq / TWO32)));
  if (!constantTimeEqual(packet.subarray(hl + AH_FIXED, hl + ctx.ahLength), mac, ctx.icvLength)) return AUTH;
  if (window !== undefined && !window.commit(seq)) return REPLAYED;
  return { ok: true, seq, nextHeader: packet[hl]!, inner: packet.subarray(hl + ctx.ahLength, total) };
}

/** Zero every mutable IPv4 option in place; false when the options are malformed. */
function zeroMutableOptions(h: Uint8Array, hl: number): boolean {
  let i = IPV4_HEADER;
  while (i < hl) {
    const type = h[i]!;
    if (type === 0) return true; // end of options list: the rest is padding
    if (type === 1) {
      i++;
      continue;
    }
    if (i + 1 >= hl) return false;
    const len = h[i + 1]!;
    if (len < 2 || i + len > hl) return false;
    if (!IMMUTABLE_OPTIONS.has(type)) h.fill(0, i, i + len);
    i += len;
  }
  return true;
}
