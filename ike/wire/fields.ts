/**
 * The little language the payload tables are written in. A table (`Struct`) lists the fields of
 * a payload body or substructure in wire order; codec.ts reads and writes every table with one
 * interpreter, so a payload file states its layout once and both directions follow from it.
 *
 * Field kinds (widths in bytes, all big-endian):
 * - `u8` / `u16` / `u32` `name` — an unsigned number; `mask` keeps only those bits (the others
 *   are reserved: ignored when read, written as 0).
 * - `reserved` `width` — must-be-zero bytes: ignored when read (RFC 7296 §3.2), written as 0.
 * - `size` `of`, `width` — byte length of the later `bytes` field `of` (written from it).
 * - `count` `of`, `width` — number of items of the later `list`/`chunks` field `of`.
 * - `itemSize` `of` — the length every item of the `chunks` field `of` has (Delete's SPI Size).
 * - `bytes` `name` — a byte string: as long as its `size` field says, else (`half`) half of what
 *   remains in the structure, else the rest of the structure.
 * - `chunks` `name` — `count` × `itemSize` bytes, as an array of equal-length byte strings.
 * - `list` `name` `item` — substructures to the end of the enclosing structure (a `count` field,
 *   when there is one, must agree with what was found).
 * - `last` `more` — the "last substructure" octet of a proposal/transform: 0 on the last item of
 *   its list, `more` on the others (RFC 7296 §3.3.1: 2 for proposals, §3.3.2: 3 for transforms).
 * - `length` — the substructure's own length in 2 bytes, its header included.
 * - `attributes` — transform data attributes (RFC 7296 §3.3.5): the TV Key Length becomes the
 *   number field `keyLength`, any other attribute goes to `others` (only created when present).
 *
 * `defineStruct` derives what the interpreter needs (the fixed minimum length, where the own
 * length sits, scratch slots that link a size/count field to its target) once, at load time.
 */
import type { ReasonCode } from './types.js';

export type Field =
  | { readonly f: 'u8' | 'u16' | 'u32'; readonly name: string; readonly mask?: number }
  | { readonly f: 'reserved'; readonly width: number }
  | { readonly f: 'size'; readonly of: string; readonly width: 1 | 2 }
  | { readonly f: 'count'; readonly of: string; readonly width: 1 | 2 }
  | { readonly f: 'itemSize'; readonly of: string }
  | { readonly f: 'bytes'; readonly name: string; readonly half?: boolean }
  | { readonly f: 'chunks'; readonly name: string }
  | { readonly f: 'list'; readonly name: string; readonly item: Struct }
  | { readonly f: 'last'; readonly more: number }
  | { readonly f: 'length' }
  | { readonly f: 'attributes'; readonly keyLength: string; readonly others: string };

/** One field as the interpreter runs it: the declaration plus resolved widths and slots. */
export interface Op {
  readonly f: Field['f'];
  readonly name: string;
  readonly width: number;
  readonly mask: number;
  /** For size/count/itemSize: the scratch slot written; for targets: the slots read (-1: none). */
  readonly slot: number;
  readonly sizeSlot: number;
  readonly countSlot: number;
  readonly itemSlot: number;
  readonly half: boolean;
  readonly more: number;
  readonly item: Struct | undefined;
  readonly others: string;
}

export interface Struct {
  readonly name: string;
  readonly fields: readonly Field[];
  /** Reason code for a structure that does not fit its bytes. */
  readonly reason: ReasonCode;
  readonly ops: readonly Op[];
  /** Bytes of the fixed-width fields: the least the structure can be. */
  readonly minLength: number;
  /** Offset of the `length` field, -1 without one. */
  readonly lengthOffset: number;
  /** Scratch slots the structure uses while decoding. */
  readonly slots: number;
  /** Offset of the `last` field, -1 without one. */
  readonly lastOffset: number;
  /** The value the `last` field has on every item but the final one. */
  readonly lastMore: number;
}

const FULL_MASK: Readonly<Record<string, number>> = { u8: 0xff, u16: 0xffff, u32: 0xffffffff };

export function defineStruct(name: string, fields: readonly Field[], reason: ReasonCode = 'substructure'): Struct {
  const slotByTarget = new Map<string, number>();
  let slots = 0;
  for (const fd of fields) {
    if (fd.f === 'size' || fd.f === 'count' || fd.f === 'itemSize') {
      const key = `${fd.f}:${fd.of}`;
      if (slotByTarget.has(key)) throw new Error(`${name}: two ${fd.f} fields for ${fd.of}`);
      slotByTarget.set(key, slots++);
    }
  }
  const ops: Op[] = [];
  let fixed = 0;
  let variableSeen = false;
  let lengthOffset = -1;
  let lastOffset = -1;
  let lastMore = 0;
  for (const fd of fields) {
    let width = 0;
    let opName = '';
    let mask = 0;
    let slot = -1;
    let sizeSlot = -1;
    let countSlot = -1;
    let itemSlot = -1;
    let half = false;
    let more = 0;
    let item: Struct | undefined;
    let others = '';
    switch (fd.f) {
      case 'u8':
      case 'u16':
      case 'u32':
        width = fd.f === 'u8' ? 1 : fd.f === 'u16' ? 2 : 4;
        opName = fd.name;
        mask = fd.mask ?? FULL_MASK[fd.f]!;
        break;
      case 'reserved':
        width = fd.width;
        break;
      case 'size':
      case 'count':
        width = fd.width;
        opName = fd.of;
        slot = slotByTarget.get(`${fd.f}:${fd.of}`)!;
        break;
      case 'itemSize':
        width = 1;
        opName = fd.of;
        slot = slotByTarget.get(`itemSize:${fd.of}`)!;
        break;
      case 'bytes':
        opName = fd.name;
        sizeSlot = slotByTarget.get(`size:${fd.name}`) ?? -1;
        half = fd.half === true;
        break;
      case 'chunks':
        opName = fd.name;
        countSlot = slotByTarget.get(`count:${fd.name}`) ?? -1;
        itemSlot = slotByTarget.get(`itemSize:${fd.name}`) ?? -1;
        if (countSlot < 0 || itemSlot < 0) throw new Error(`${name}: chunks ${fd.name} needs count and itemSize fields`);
        break;
      case 'list':
        opName = fd.name;
        countSlot = slotByTarget.get(`count:${fd.name}`) ?? -1;
        item = fd.item;
        break;
      case 'last':
        width = 1;
        more = fd.more;
        if (variableSeen) throw new Error(`${name}: the last flag must precede variable fields`);
        lastOffset = fixed;
        lastMore = fd.more;
        break;
      case 'length':
        width = 2;
        if (variableSeen) throw new Error(`${name}: the length field must precede variable fields`);
        lengthOffset = fixed;
        break;
      case 'attributes':
        opName = fd.keyLength;
        others = fd.others;
        break;
    }
    // Fixed-width fields after a variable one still count towards the minimum length.
    if (width === 0) variableSeen = true;
    else fixed += width;
    ops.push({ f: fd.f, name: opName, width, mask, slot, sizeSlot, countSlot, itemSlot, half, more, item, others });
  }
  return Object.freeze({ name, fields, reason, ops: Object.freeze(ops), minLength: fixed, lengthOffset, slots, lastOffset, lastMore });
}
