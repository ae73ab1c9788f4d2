/**
 * The one interpreter of the payload tables (fields.ts), both ways, and the generic payload
 * header and payload chain around them (RFC 7296 §3.2):
 *
 *   octet 0      Next Payload: type of the payload after this one (0 on the last)
 *   octet 1      C (critical) bit, then 7 reserved bits
 *   octets 2-3   Payload Length, this 4-byte header included
 *
 * Decoding never throws. It reads with index arithmetic on the Uint8Array, hands out views into
 * the input (no copies), and keeps the links between size/count fields and their targets in a
 * module-level scratch array instead of per-structure objects. Framing problems (a length that
 * runs past its parent) end a chain walk; a problem inside one payload body is recorded and the
 * walk goes on, so that the SK payload can still be found and its integrity checked before the
 * problem is acted on (RFC 7296 §3.10.1: INVALID_SYNTAX only after the checksum is valid).
 *
 * Encoding throws RangeError for values that do not fit their fields: a wrong argument there is
 * the caller's bug, not untrusted input. It measures once and writes into one buffer.
 */
import { ATTRIBUTE_FORMAT_TV, CRITICAL_BIT, PAYLOAD_HEADER_LENGTH, TransformAttribute } from './constants.js';
import type { Op, Struct } from './fields.js';
import { SPEC_BY_KIND, SPEC_BY_TYPE, type PayloadSpec, type VerifyContext } from './payloads/index.js';
import type { Payload, SkfPayload, SkPayload, WireAttribute } from './types.js';
import { problem, type Problem } from './verdict.js';

/** The most payloads one chain may hold (a 64 KiB message could otherwise make 16k objects). */
export const MAX_PAYLOADS_PER_CHAIN = 256;

// ---- decoding ---------------------------------------------------------------------------------

const SCRATCH = new Int32Array(512);
let sp = 0;
/** The problem behind the last -1 returned by decodeStruct. */
let failure: Problem = problem('substructure', '');

function fail(s: Struct, detail: string, reason = s.reason): -1 {
  failure = problem(reason, `${s.name}: ${detail}`);
  return -1;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

/**
 * Decode structure `s` from b[at, end) into `out`; returns the position after it, or -1 with
 * `failure` set. A structure that does not use all of [at, end) returns where it stopped.
 */
export function decodeStruct(s: Struct, b: Uint8Array, at: number, end: number, out: Record<string, unknown>): number {
  const base = sp;
  if (base + s.slots > SCRATCH.length) return fail(s, 'nested too deep');
  sp = base + s.slots;
  const r = decodeOps(s, b, at, end, out, base);
  sp = base;
  return r;
}

function decodeOps(s: Struct, b: Uint8Array, at: number, end: number, out: Record<string, unknown>, base: number): number {
  const ops = s.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.f) {
      case 'u8':
        if (at + 1 > end) return fail(s, `cut before ${op.name}`);
        out[op.name] = b[at]! & op.mask;
        at += 1;
        break;
      case 'u16':
        if (at + 2 > end) return fail(s, `cut before ${op.name}`);
        out[op.name] = u16(b, at) & op.mask;
        at += 2;
        break;
      case 'u32':
        if (at + 4 > end) return fail(s, `cut before ${op.name}`);
        out[op.name] = (((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) & op.mask) >>> 0;
        at += 4;
        break;
      case 'reserved':
      case 'last':
      case 'length':
        if (at + op.width > end) return fail(s, 'cut in its header');
        at += op.width;
        break;
      case 'size':
      case 'count':
      case 'itemSize':
        if (at + op.width > end) return fail(s, `cut before the ${op.f} of ${op.name}`);
        SCRATCH[base + op.slot] = op.width === 1 ? b[at]! : u16(b, at);
        at += op.width;
        break;
      case 'bytes': {
        let n: number;
        if (op.sizeSlot >= 0) n = SCRATCH[base + op.sizeSlot]!;
        else if (op.half) {
          if ((end - at) % 2 !== 0) return fail(s, `${end - at} bytes do not split into two equal ${op.name} halves`);
          n = (end - at) / 2;
        } else n = end - at;
        if (at + n > end) return fail(s, `${op.name} of ${n} bytes runs past the end (${end - at} left)`);
        out[op.name] = b.subarray(at, at + n);
        at += n;
        break;
      }
      case 'chunks': {
        const count = SCRATCH[base + op.countSlot]!;
        const size = SCRATCH[base + op.itemSlot]!;
        if (count * size > end - at) return fail(s, `${count} × ${size} bytes of ${op.name} run past the end (${end - at} left)`);
        // Zero-length items carry nothing; refusing a count of them keeps 65535 empty views from being made.
        if (size === 0 && count > 0) return fail(s, `${count} ${op.name} of 0 bytes`);
        const items: Uint8Array[] = new Array<Uint8Array>(count);
        for (let k = 0; k < count; k++) {
          items[k] = b.subarray(at, at + size);
          at += size;
        }
        out[op.name] = items;
        break;
      }
      case 'list': {
        const r = decodeList(s, op, b, at, end, out, base);
        if (r < 0) return -1;
        at = r;
        break;
      }
      case 'attributes': {
        const r = decodeAttributes(s, op, b, at, end, out);
        if (r < 0) return -1;
        at = r;
        break;
      }
    }
  }
  return at;
}

function decodeList(s: Struct, op: Op, b: Uint8Array, at: number, end: number, out: Record<string, unknown>, base: number): number {
  const item = op.item!;
  const items: Record<string, unknown>[] = [];
  if (item.lengthOffset >= 0) {
    while (at < end) {
      if (end - at < item.minLength) return fail(item, `${end - at} bytes left, its header needs ${item.minLength}`);
      const len = u16(b, at + item.lengthOffset);
      if (len < item.minLength) return fail(item, `length field ${len} < ${item.minLength}`);
      if (len > end - at) return fail(item, `length field ${len} runs past ${s.name} (${end - at} bytes left)`);
      if (item.lastOffset >= 0) {
        const flag = b[at + item.lastOffset]!;
        const want = at + len < end ? item.lastMore : 0;
        if (flag !== want) return fail(item, `last-substructure flag ${flag} where ${want} belongs`, 'substructure-flag');
      }
      const o: Record<string, unknown> = {};
      const r = decodeStruct(item, b, at, at + len, o);
      if (r < 0) return -1;
      if (r !== at + len) return fail(item, `${at + len - r} bytes left over inside`);
      items.push(o);
      at += len;
    }
  } else {
    while (at < end) {
      const o: Record<string, unknown> = {};
      const r = decodeStruct(item, b, at, end, o);
      if (r < 0) return -1;
      if (r === at) return fail(item, 'empty item');
      items.push(o);
      at = r;
    }
  }
  if (op.countSlot >= 0) {
    const count = SCRATCH[base + op.countSlot]!;
    if (count !== items.length) return fail(s, `count field says ${count} ${op.name}, ${items.length} present`, 'count-mismatch');
  }
  out[op.name] = items;
  return at;
}

function decodeAttributes(s: Struct, op: Op, b: Uint8Array, at: number, end: number, out: Record<string, unknown>): number {
  let keyLength = -1;
  let others: WireAttribute[] | undefined;
  while (at < end) {
    if (end - at < 4) return fail(s, `attribute cut (${end - at} bytes)`, 'attribute-format');
    const word = u16(b, at);
    const type = word & 0x7fff;
    if ((word & ATTRIBUTE_FORMAT_TV) !== 0) {
      if (type === TransformAttribute.KEY_LENGTH) {
        if (keyLength >= 0) return fail(s, 'two Key Length attributes', 'attribute-format');
        keyLength = u16(b, at + 2);
      } else {
        (others ??= []).push({ type, value: b.subarray(at + 2, at + 4), tv: true });
      }
      at += 4;
    } else {
      const len = u16(b, at + 2);
      if (type === TransformAttribute.KEY_LENGTH) return fail(s, 'Key Length in TLV form (must be TV)', 'attribute-format');
      if (len > end - at - 4) return fail(s, `TLV attribute ${type} of ${len} bytes runs past the transform`, 'attribute-format');
      (others ??= []).push({ type, value: b.subarray(at + 4, at + 4 + len), tv: false });
      at += 4 + len;
    }
  }
  if (keyLength >= 0) out[op.name] = keyLength;
  if (others) out[op.others] = others;
  return at;
}

// ---- payload chains ---------------------------------------------------------------------------

export interface ChainResult {
  /** Payloads decoded in wire order, SK/SKF excluded. */
  readonly payloads: Payload[];
  /** The terminal SK/SKF payload, when the chain ends with one. */
  readonly encrypted: SkPayload | SkfPayload | undefined;
  /** A problem that stopped the walk (the payloads after it are unknown). */
  readonly framing: Problem | undefined;
  /** The first problem inside a payload whose extent was sound (the walk went on). */
  readonly body: Problem | undefined;
}

/**
 * Walk the chain that starts with payload type `first` at b[start], which must end exactly at
 * `end`. `allowEncrypted`: SK/SKF may end the chain (outside SK only: RFC 7296 §3.14 forbids an
 * Encrypted payload inside another).
 */
export function decodeChain(b: Uint8Array, start: number, end: number, first: number, ctx: VerifyContext, allowEncrypted: boolean): ChainResult {
  const payloads: Payload[] = [];
  let body: Problem | undefined;
  let type = first;
  let at = start;
  while (type !== 0) {
    if (payloads.length >= MAX_PAYLOADS_PER_CHAIN) {
      return { payloads, encrypted: undefined, framing: problem('too-many-payloads', `more than ${MAX_PAYLOADS_PER_CHAIN} payloads`), body };
    }
    if (end - at < PAYLOAD_HEADER_LENGTH) {
      return { payloads, encrypted: undefined, framing: problem('payload-truncated', `payload ${type} header at offset ${at}: ${end - at} bytes left`), body };
    }
    const next = b[at]!;
    const critical = (b[at + 1]! & CRITICAL_BIT) !== 0;
    const len = u16(b, at + 2);
    if (len < PAYLOAD_HEADER_LENGTH) {
      return { payloads, encrypted: undefined, framing: problem('payload-too-short', `payload ${type} at offset ${at}: length ${len} < 4`), body };
    }
    if (len > end - at) {
      return { payloads, encrypted: undefined, framing: problem('payload-truncated', `payload ${type} at offset ${at}: length ${len}, ${end - at} bytes left`), body };
    }
    const spec = SPEC_BY_TYPE[type];
    if (spec === undefined) {
      if (critical) {
        // RFC 7296 §2.5: an unknown payload marked critical rejects the whole message.
        body ??= problem('unsupported-critical', `unknown payload type ${type} with the critical bit`, type);
      } else {
        payloads.push({ kind: 'unknown', critical, type, data: b.subarray(at + PAYLOAD_HEADER_LENGTH, at + len) });
      }
    } else if (spec.terminal) {
      if (!allowEncrypted) {
        // Its Next Payload names an inner chain, not a sibling: the walk cannot go on.
        return { payloads, encrypted: undefined, framing: problem('unexpected-payload', `${spec.kind.toUpperCase()} payload inside an encrypted payload`), body };
      } else {
        if (at + len !== end) {
          return { payloads, encrypted: undefined, framing: problem('sk-not-last', `${spec.kind.toUpperCase()} payload is followed by ${end - at - len} bytes`), body };
        }
        const p = decodeBody(spec, b, at + PAYLOAD_HEADER_LENGTH, at + len, critical, next, ctx);
        if (isProblem(p)) return { payloads, encrypted: undefined, framing: p, body };
        return { payloads, encrypted: p as SkPayload | SkfPayload, framing: undefined, body };
      }
    } else {
      const p = decodeBody(spec, b, at + PAYLOAD_HEADER_LENGTH, at + len, critical, next, ctx);
      if (isProblem(p)) body ??= p;
      else payloads.push(p);
    }
    type = next;
    at += len;
  }
  if (at !== end) {
    return { payloads, encrypted: undefined, framing: problem('trailing-bytes', `${end - at} bytes after the last payload`), body };
  }
  return { payloads, encrypted: undefined, framing: undefined, body };
}

function isProblem(x: Payload | Problem): x is Problem {
  return (x as Problem).reason !== undefined;
}

/** Decode one payload body b[start, end) with its spec, then run the spec's verify. */
export function decodeBody(spec: PayloadSpec, b: Uint8Array, start: number, end: number, critical: boolean, next: number, ctx: VerifyContext): Payload | Problem {
  const o: Record<string, unknown> = { kind: spec.kind, critical };
  if (spec.terminal) o['innerFirst'] = next;
  const r = decodeStruct(spec.body, b, start, end, o);
  if (r < 0) return failure;
  if (r !== end) return problem(spec.body.reason, `${spec.body.name}: ${end - r} bytes left over`);
  const p = o as unknown as Payload;
  return spec.verify(p, ctx) ?? p;
}

// ---- encoding ---------------------------------------------------------------------------------

function valueOf(o: Readonly<Record<string, unknown>>, name: string): unknown {
  return o[name];
}

function bytesOf(o: Readonly<Record<string, unknown>>, name: string, s: Struct): Uint8Array {
  const v = valueOf(o, name);
  if (!(v instanceof Uint8Array)) throw new TypeError(`${s.name}.${name}: expected a Uint8Array`);
  return v;
}

function listOf(o: Readonly<Record<string, unknown>>, name: string, s: Struct): readonly unknown[] {
  const v = valueOf(o, name);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new TypeError(`${s.name}.${name}: expected an array`);
  return v;
}

/** Bytes `o` takes when written with structure `s`. */
export function measureStruct(s: Struct, o: Readonly<Record<string, unknown>>): number {
  let n = 0;
  const ops = s.ops;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    switch (op.f) {
      case 'bytes':
        n += bytesOf(o, op.name, s).length;
        break;
      case 'chunks':
        {
          const cs = listOf(o, op.name, s) as Uint8Array[];
          for (let j = 0; j < cs.length; j++) n += cs[j]!.length;
        }
        break;
      case 'list':
        {
          const its = listOf(o, op.name, s) as Record<string, unknown>[];
          for (let j = 0; j < its.length; j++) n += measureStruct(op.item!, its[j]!);
        }
        break;
      case 'attributes': {
        if (valueOf(o, op.name) !== undefined) n += 4;
        const as = listOf(o, op.others, s) as WireAttribute[];
        for (let j = 0; j < as.length; j++) n += as[j]!.tv ? 4 : 4 + as[j]!.value.length;
        break;
      }
      default:
        n += op.width;
    }
  }
  return n;
}

function checkFits(s: Struct, what: string, v: number, width: number): void {
  const max = width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${s.name}.${what}: ${v} does not fit ${width} byte(s)`);
}

function writeUint(out: Uint8Array, at: number, v: number, width: number): void {
  if (width === 1) out[at] = v;
  else if (width === 2) {
    out[at] = v >>> 8;
    out[at + 1] = v & 0xff;
  } else {
    out[at] = v >>> 24;
    out[at + 1] = (v >>> 16) & 0xff;
    out[at + 2] = (v >>> 8) & 0xff;
    out[at + 3] = v & 0xff;
  }
}

/** Write `o` with structure `s` at out[at]; `lastItem` sets the last-substructure flag. */
export function writeStruct(s: Struct, o: Readonly<Record<string, unknown>>, out: Uint8Array, at: number, lastItem = true): number {
  const start = at;
  let lengthAt = -1;
  const ops = s.ops;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    switch (op.f) {
      case 'u8':
      case 'u16':
      case 'u32': {
        const v = (valueOf(o, op.name) as number | undefined) ?? 0;
        checkFits(s, op.name, v, op.width);
        writeUint(out, at, (v & op.mask) >>> 0, op.width);
        at += op.width;
        break;
      }
      case 'reserved':
        out.fill(0, at, at + op.width);
        at += op.width;
        break;
      case 'last':
        out[at] = lastItem ? 0 : op.more;
        at += 1;
        break;
      case 'length':
        lengthAt = at;
        at += 2;
        break;
      case 'size': {
        const n = bytesOf(o, op.name, s).length;
        checkFits(s, `${op.name}.length`, n, op.width);
        writeUint(out, at, n, op.width);
        at += op.width;
        break;
      }
      case 'count': {
        const n = listOf(o, op.name, s).length;
        checkFits(s, `${op.name}.length`, n, op.width);
        writeUint(out, at, n, op.width);
        at += op.width;
        break;
      }
      case 'itemSize': {
        const items = listOf(o, op.name, s) as Uint8Array[];
        const n = items.length > 0 ? items[0]!.length : 0;
        for (let j = 0; j < items.length; j++) if (items[j]!.length !== n) throw new RangeError(`${s.name}.${op.name}: items of different lengths`);
        checkFits(s, `${op.name} item length`, n, 1);
        out[at] = n;
        at += 1;
        break;
      }
      case 'bytes': {
        const v = bytesOf(o, op.name, s);
        out.set(v, at);
        at += v.length;
        break;
      }
      case 'chunks':
        {
          const cs = listOf(o, op.name, s) as Uint8Array[];
          for (let j = 0; j < cs.length; j++) {
            out.set(cs[j]!, at);
            at += cs[j]!.length;
          }
        }
        break;
      case 'list': {
        const items = listOf(o, op.name, s);
        for (let j = 0; j < items.length; j++) at = writeStruct(op.item!, items[j] as Record<string, unknown>, out, at, j === items.length - 1);
        break;
      }
      case 'attributes': {
        const kl = valueOf(o, op.name) as number | undefined;
        if (kl !== undefined) {
          checkFits(s, op.name, kl, 2);
          writeUint(out, at, ATTRIBUTE_FORMAT_TV | TransformAttribute.KEY_LENGTH, 2);
          writeUint(out, at + 2, kl, 2);
          at += 4;
        }
        const attrs = listOf(o, op.others, s) as WireAttribute[];
        for (let j = 0; j < attrs.length; j++) {
          const a = attrs[j]!;
          checkFits(s, 'attribute type', a.type, 2);
          if (a.type > 0x7fff) throw new RangeError(`${s.name}: attribute type ${a.type} > 0x7fff`);
          if (a.tv) {
            if (a.value.length !== 2) throw new RangeError(`${s.name}: TV attribute ${a.type} must hold 2 bytes`);
            writeUint(out, at, ATTRIBUTE_FORMAT_TV | a.type, 2);
            out.set(a.value, at + 2);
            at += 4;
          } else {
            checkFits(s, 'attribute length', a.value.length, 2);
            writeUint(out, at, a.type, 2);
            writeUint(out, at + 2, a.value.length, 2);
            out.set(a.value, at + 4);
            at += 4 + a.value.length;
          }
        }
        break;
      }
    }
  }
  if (lengthAt >= 0) {
    checkFits(s, 'length', at - start, 2);
    writeUint(out, lengthAt, at - start, 2);
  }
  return at;
}

/** The wire type number of a payload. */
export function payloadType(p: Payload): number {
  return p.kind === 'unknown' ? p.type : SPEC_BY_KIND[p.kind].type;
}

/** Bytes the payload takes on the wire, generic header included. */
export function payloadLength(p: Payload): number {
  const body = p.kind === 'unknown' ? p.data.length : measureStruct(SPEC_BY_KIND[p.kind].body, p as unknown as Record<string, unknown>);
  return PAYLOAD_HEADER_LENGTH + body;
}

/**
 * Write one payload (generic header + body) at out[at]; `next` is the type of the payload that
 * follows (ignored by SK/SKF, whose Next Payload is their `innerFirst`). Returns the end offset.
 */
export function writePayload(p: Payload, next: number, out: Uint8Array, at: number): number {
  const start = at;
  const terminal = p.kind === 'sk' || p.kind === 'skf';
  out[at] = terminal ? (p as SkPayload | SkfPayload).innerFirst : next;
  out[at + 1] = p.critical ? CRITICAL_BIT : 0;
  at += PAYLOAD_HEADER_LENGTH;
  if (p.kind === 'unknown') {
    out.set(p.data, at);
    at += p.data.length;
  } else {
    at = writeStruct(SPEC_BY_KIND[p.kind].body, p as unknown as Record<string, unknown>, out, at);
  }
  const len = at - start;
  if (len > 0xffff) throw new RangeError(`${p.kind} payload of ${len} bytes exceeds the 16-bit payload length`);
  out[start + 2] = len >>> 8;
  out[start + 3] = len & 0xff;
  return at;
}

/** Bytes a chain of payloads takes. */
export function chainLength(payloads: readonly Payload[]): number {
  let n = 0;
  for (let i = 0; i < payloads.length; i++) n += payloadLength(payloads[i]!);
  return n;
}

/**
 * Write a chain: each payload's Next Payload names the one after it, the last one's is 0 (or,
 * when `lastNext` is given, that value). Returns the end offset.
 */
export function writeChain(payloads: readonly Payload[], out: Uint8Array, at: number, lastNext = 0): number {
  for (let i = 0; i < payloads.length; i++) {
    const next = i + 1 < payloads.length ? payloadType(payloads[i + 1]!) : lastNext;
    at = writePayload(payloads[i]!, next, out, at);
  }
  return at;
}

/** A chain as a new array (the plaintext of an SK payload, for instance). */
export function encodeChain(payloads: readonly Payload[]): Uint8Array {
  const out = new Uint8Array(chainLength(payloads));
  writeChain(payloads, out, 0);
  return out;
}
