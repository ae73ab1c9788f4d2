/**
 * A deterministic corpus of malformed IKEv2 messages, made by mutating well-formed ones (the
 * captured strongSwan messages in the wire tests; the daemons' tests feed them the same corpus).
 *
 * Same seed, same seeds in, same corpus out: a seeded PRNG (mulberry32) drives every choice, so
 * a failing mutation is reproduced by its id. The generator knows just enough of the IKEv2
 * layout to aim at interesting fields (payload headers, SA proposal/transform headers, TS and CP
 * substructures, the ICV) and walks chains with its own small reader, independent of the codec
 * under test.
 *
 * Kinds:
 *   bitflip         1-4 random bits anywhere
 *   truncate        cut short (half the time the header Length is made to agree)
 *   extend          random bytes appended (half the time the header Length agrees)
 *   header-length   the header Length field lies
 *   payload-length  one generic payload header's Length lies
 *   payload-type    one Next Payload field names another (known or unknown) type
 *   critical        one payload gets the critical bit (half the time also an unknown type)
 *   substructure    one field inside an SA proposal/transform/attribute, TS, CP attribute,
 *                   Notify, Delete, KE, ID or AUTH header takes another value
 *   icv             one bit of the last 8 bytes flipped (inside every ICV/tag)
 *   version         the version octet
 *   exchange        the exchange type or the flags
 *   inner           one of the structural mutations above applied to the decrypted inner
 *                   payloads of an SK message, then sealed again with the right keys: garbage
 *                   that passes the integrity check (needs the seed's `reseal`)
 */

export const MUTATION_KINDS = [
  'bitflip',
  'truncate',
  'extend',
  'header-length',
  'payload-length',
  'payload-type',
  'critical',
  'substructure',
  'icv',
  'version',
  'exchange',
  'inner',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface MutationSeed {
  readonly name: string;
  /** A well-formed IKE message. */
  readonly bytes: Uint8Array;
  /** For SK messages: the decrypted inner chain and its first payload type… */
  readonly plaintext?: Uint8Array;
  readonly innerFirst?: number;
  /** …and how to seal a (mutated) chain back into a message with this one's header and keys. */
  readonly reseal?: (plaintext: Uint8Array, innerFirst: number) => Uint8Array;
}

export interface Mutation {
  /** `<seed name>/<n>`: stable for a given generator seed. */
  readonly id: string;
  readonly kind: MutationKind;
  readonly seed: MutationSeed;
  readonly bytes: Uint8Array;
  readonly note: string;
}

export interface MutateOptions {
  /** PRNG seed (default 0x1ce2). */
  readonly seed?: number;
  /** Mutations per seed message (default 80); kinds take turns. */
  readonly perSeed?: number;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rnd = () => number;
const int = (rnd: Rnd, n: number): number => Math.floor(rnd() * n);
const pick = <T>(rnd: Rnd, a: readonly T[]): T => a[int(rnd, a.length)]!;

const KNOWN_TYPES = [33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 53];
const UNKNOWN_TYPES = [1, 2, 13, 32, 49, 50, 51, 52, 54, 100, 128, 200, 255];

/** A payload as the generator sees it: its type, where its generic header starts, its length. */
export interface Span {
  readonly type: number;
  /** Offset of the byte holding this payload's type (the previous Next Payload, or the header's). */
  readonly typeAt: number;
  readonly at: number;
  readonly length: number;
}

/** Walk a chain leniently (stops at the first inconsistency or at SK/SKF). */
export function walkChain(b: Uint8Array, start: number, end: number, first: number, firstTypeAt: number): Span[] {
  const spans: Span[] = [];
  let type = first;
  let typeAt = firstTypeAt;
  let at = start;
  while (type !== 0 && at + 4 <= end && spans.length < 512) {
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 4 || at + length > end) break;
    spans.push({ type, typeAt, at, length });
    if (type === 46 || type === 53) break;
    typeAt = at;
    type = b[at]!;
    at += length;
  }
  return spans;
}

function setU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function setU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** Offsets of header fields inside the substructures of one payload body. */
function substructureOffsets(b: Uint8Array, span: Span): number[] {
  const body = span.at + 4;
  const end = span.at + span.length;
  const o: number[] = [];
  const u16 = (at: number): number => (b[at]! << 8) | b[at + 1]!;
  switch (span.type) {
    case 33: {
      let p = body;
      while (p + 8 <= end) {
        const plen = u16(p + 2);
        o.push(p, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7);
        const pend = Math.min(end, p + Math.max(plen, 8));
        let t = p + 8 + b[p + 6]!;
        while (t + 8 <= pend) {
          const tlen = u16(t + 2);
          o.push(t, t + 2, t + 3, t + 4, t + 6, t + 7);
          if (t + 12 <= t + tlen && t + 12 <= pend) o.push(t + 8, t + 9, t + 10, t + 11);
          if (tlen < 8) break;
          t += tlen;
        }
        if (plen < 8) break;
        p += plen;
      }
      break;
    }
    case 44:
    case 45: {
      o.push(body);
      let s = body + 4;
      while (s + 8 <= end) {
        o.push(s, s + 1, s + 2, s + 3, s + 4, s + 6);
        const slen = u16(s + 2);
        if (slen < 8) break;
        s += slen;
      }
      break;
    }
    case 47: {
      o.push(body);
      let a = body + 4;
      while (a + 4 <= end) {
        o.push(a, a + 1, a + 2, a + 3);
        a += 4 + u16(a + 2);
      }
      break;
    }
    case 41:
    case 42:
      o.push(body, body + 1, body + 2, body + 3);
      break;
    case 34:
      o.push(body, body + 1);
      break;
    case 35:
    case 36:
    case 37:
    case 38:
    case 39:
      o.push(body);
      break;
    case 53:
      o.push(body, body + 1, body + 2, body + 3);
      break;
  }
  return o.filter((x) => x < end);
}

function newValue(rnd: Rnd, old: number): number {
  switch (int(rnd, 5)) {
    case 0:
      return 0;
    case 1:
      return 0xff;
    case 2:
      return (old + 1) & 0xff;
    case 3:
      return (old - 1) & 0xff;
    default: {
      let v = int(rnd, 256);
      if (v === old) v = (v + 0x55) & 0xff;
      return v;
    }
  }
}

/**
 * Apply one structural mutation to a chain b[start..] whose first type sits at b[firstTypeAt]
 * (or is `first` when firstTypeAt < 0, for an inner chain). Returns [bytes, note, new first type].
 */
function mutateChain(kind: MutationKind, rnd: Rnd, src: Uint8Array, start: number, first: number, firstTypeAt: number, headerLengthAt: number): [Uint8Array, string, number] {
  let b = src.slice();
  let newFirst = first;
  const setType = (typeAt: number, v: number): void => {
    if (typeAt < 0) newFirst = v;
    else b[typeAt] = v;
  };
  const fixLength = (): void => {
    if (headerLengthAt >= 0 && b.length >= headerLengthAt + 4) setU32(b, headerLengthAt, b.length);
  };
  const spans = walkChain(b, start, b.length, first, firstTypeAt);
  switch (kind) {
    case 'bitflip': {
      const n = 1 + int(rnd, 4);
      const at: number[] = [];
      for (let i = 0; i < n && b.length > 0; i++) {
        const pos = start + int(rnd, Math.max(1, b.length - start));
        if (pos >= b.length) continue;
        b[pos] = b[pos]! ^ (1 << int(rnd, 8));
        at.push(pos);
      }
      return [b, `bits flipped at ${at.join(',')}`, newFirst];
    }
    case 'truncate': {
      const cut = int(rnd, b.length);
      b = b.slice(0, cut);
      const fix = rnd() < 0.5;
      if (fix) fixLength();
      return [b, `cut to ${cut}${fix ? ' (length fixed)' : ''}`, newFirst];
    }
    case 'extend': {
      const n = 1 + int(rnd, 64);
      const ext = new Uint8Array(b.length + n);
      ext.set(b);
      for (let i = b.length; i < ext.length; i++) ext[i] = int(rnd, 256);
      b = ext;
      const fix = rnd() < 0.5;
      if (fix) fixLength();
      return [b, `${n} bytes appended${fix ? ' (length fixed)' : ''}`, newFirst];
    }
    case 'payload-length': {
      if (spans.length === 0) return mutateChain('bitflip', rnd, src, start, first, firstTypeAt, headerLengthAt);
      const s = pick(rnd, spans);
      const v = pick(rnd, [0, 1, 3, s.length - 1, s.length + 1, s.length - 4, s.length + 4, s.length + 16, 0xffff, int(rnd, 0x10000)]) & 0xffff;
      setU16(b, s.at + 2, v);
      return [b, `payload ${s.type} at ${s.at}: length ${s.length} -> ${v}`, newFirst];
    }
    case 'payload-type': {
      if (spans.length === 0) return mutateChain('bitflip', rnd, src, start, first, firstTypeAt, headerLengthAt);
      const s = pick(rnd, spans);
      let v = rnd() < 0.6 ? pick(rnd, KNOWN_TYPES) : rnd() < 0.5 ? 0 : pick(rnd, UNKNOWN_TYPES);
      if (v === s.type) v = pick(rnd, UNKNOWN_TYPES);
      setType(s.typeAt, v);
      return [b, `payload at ${s.at}: type ${s.type} -> ${v}`, newFirst];
    }
    case 'critical': {
      if (spans.length === 0) return mutateChain('bitflip', rnd, src, start, first, firstTypeAt, headerLengthAt);
      const s = pick(rnd, spans);
      b[s.at + 1] = b[s.at + 1]! | 0x80;
      if (rnd() < 0.5) {
        const v = pick(rnd, UNKNOWN_TYPES);
        setType(s.typeAt, v);
        return [b, `payload at ${s.at}: critical, type ${s.type} -> ${v}`, newFirst];
      }
      return [b, `payload ${s.type} at ${s.at}: critical bit set`, newFirst];
    }
    case 'substructure': {
      const offsets = spans.flatMap((s) => substructureOffsets(b, s));
      if (offsets.length === 0) return mutateChain('payload-length', rnd, src, start, first, firstTypeAt, headerLengthAt);
      const at = pick(rnd, offsets);
      const old = b[at]!;
      b[at] = newValue(rnd, old);
      return [b, `substructure byte at ${at}: ${old} -> ${b[at]}`, newFirst];
    }
    default:
      return mutateChain('bitflip', rnd, src, start, first, firstTypeAt, headerLengthAt);
  }
}

function mutateOne(kind: MutationKind, rnd: Rnd, seed: MutationSeed): { bytes: Uint8Array; note: string; kind: MutationKind } {
  const src = seed.bytes;
  const hasSk = walkChain(src, 28, src.length, src[16] ?? 0, 16).some((s) => s.type === 46 || s.type === 53);
  switch (kind) {
    case 'header-length': {
      const b = src.slice();
      const v = pick(rnd, [0, 27, 28, src.length - 1, src.length + 1, src.length + 100, 0xffffffff, int(rnd, 0x10000)]) >>> 0;
      setU32(b, 24, v);
      return { bytes: b, note: `header Length ${src.length} -> ${v}`, kind };
    }
    case 'icv': {
      if (!hasSk) return mutateOne('bitflip', rnd, seed);
      const b = src.slice();
      const pos = b.length - 1 - int(rnd, 8);
      b[pos] = b[pos]! ^ (1 << int(rnd, 8));
      return { bytes: b, note: `ICV bit flipped at ${pos}`, kind };
    }
    case 'version': {
      const b = src.slice();
      let v = pick(rnd, [0x00, 0x10, 0x11, 0x21, 0x2f, 0x30, 0x31, 0x40, 0xf0, 0xff]);
      if (v === b[17]) v = 0x30;
      b[17] = v;
      return { bytes: b, note: `version octet -> 0x${v.toString(16)}`, kind };
    }
    case 'exchange': {
      const b = src.slice();
      if (rnd() < 0.5) {
        let v = pick(rnd, [0, 1, 4, 33, 34, 35, 36, 37, 38, 43, 255]);
        if (v === b[18]) v = 38;
        b[18] = v;
        return { bytes: b, note: `exchange -> ${v}`, kind };
      }
      const v = b[19]! ^ pick(rnd, [0x08, 0x20, 0x28, 0x10, 0x01, 0x80]);
      b[19] = v;
      return { bytes: b, note: `flags -> 0x${v.toString(16)}`, kind };
    }
    case 'inner': {
      if (!seed.reseal || !seed.plaintext || seed.innerFirst === undefined) return mutateOne('substructure', rnd, seed);
      const inner = pick(rnd, ['bitflip', 'truncate', 'extend', 'payload-length', 'payload-type', 'critical', 'substructure', 'substructure', 'substructure'] as const);
      const [pt, note, first] = mutateChain(inner, rnd, seed.plaintext, 0, seed.innerFirst, -1, -1);
      return { bytes: seed.reseal(pt, first), note: `inner ${inner}: ${note}`, kind };
    }
    default: {
      const [bytes, note] = mutateChain(kind, rnd, src, 28, src[16] ?? 0, 16, 24);
      return { bytes, note, kind };
    }
  }
}

/** The corpus: `perSeed` mutations of every seed, kinds taking turns. Deterministic. */
export function generateMutations(seeds: readonly MutationSeed[], options: MutateOptions = {}): Mutation[] {
  const rnd = prng(options.seed ?? 0x1ce2);
  const perSeed = options.perSeed ?? 80;
  const out: Mutation[] = [];
  for (const seed of seeds) {
    for (let i = 0; i < perSeed; i++) {
      const kind = MUTATION_KINDS[i % MUTATION_KINDS.length]!;
      const m = mutateOne(kind, rnd, seed);
      out.push({ id: `${seed.name}/${i}`, kind: m.kind, seed, bytes: m.bytes, note: m.note });
    }
  }
  return out;
}
