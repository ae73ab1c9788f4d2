/**
 * Turns the generator's schema tree into the compact JSON form (config/schema/format.ts).
 *
 * Shared groupings stay shared: structurally identical defs are merged (the Junos modules each
 * carry their own copy of common groupings such as apply-advanced), defs used only once or too
 * small to be worth a reference are inlined, and the rest are emitted once in `defs`.
 */
import {
  CONTAINER_PRESENCE,
  LEAF_MANDATORY,
  LEAF_NO_KEYWORD,
  LEAFLIST_ORDERED_BY_USER,
  LIST_OMIT_NAME,
  LIST_ORDERED_BY_USER,
  type JsonItem,
  type JsonNode,
  type JsonType,
} from '../../config/schema/format.js';
import type { DataNode, Def, Item, ListNode } from './model.js';

export interface Emitted {
  readonly types: JsonType[];
  readonly defs: JsonItem[][];
  readonly root: JsonItem[];
  readonly stats: { readonly groupings: number; readonly distinct: number; readonly emittedDefs: number };
}

/** Below this many characters of JSON a def is inlined at each use rather than referenced. */
const INLINE_BELOW = 24;

export function emitSchema(rootItems: readonly Item[]): Emitted {
  // --- types, deduplicated by their JSON text
  const types: JsonType[] = [];
  const typeIndex = new Map<string, number>();
  const typeId = (t: JsonType): number => {
    const key = JSON.stringify(t);
    let id = typeIndex.get(key);
    if (id === undefined) {
      id = types.length;
      types.push(t);
      typeIndex.set(key, id);
    }
    return id;
  };

  // --- pass 1: canonical id per def (structurally identical defs share one)
  const canonOf = new Map<Def, number>();
  const canonKey = new Map<string, number>();
  const canonItems: JsonItem[][] = []; // canonical id → items with refs as canonical ids
  let groupings = 0;
  const canon = (def: Def): number => {
    const known = canonOf.get(def);
    if (known !== undefined) return known;
    groupings++;
    const items = encodeItems(def.items, canon, typeId);
    const key = JSON.stringify(items);
    let id = canonKey.get(key);
    if (id === undefined) {
      id = canonItems.length;
      canonItems.push(items);
      canonKey.set(key, id);
    }
    canonOf.set(def, id);
    return id;
  };
  const root = encodeItems(rootItems, canon, typeId);

  // --- pass 2: count uses of each canonical def. Tiny defs are always inlined, so the refs inside
  // them count once per place they end up in; other defs are emitted once, so their contents
  // count once.
  const size = canonItems.map((items) => JSON.stringify(items).length);
  const tiny = (id: number): boolean => size[id]! < INLINE_BELOW;
  const uses = new Array<number>(canonItems.length).fill(0);
  const seen = new Set<number>();
  const countIn = (items: readonly JsonItem[]): void => {
    for (const it of items) {
      if (typeof it === 'number') {
        uses[it]!++;
        if (tiny(it)) countIn(canonItems[it]!);
        else if (!seen.has(it)) {
          seen.add(it);
          countIn(canonItems[it]!);
        }
      } else {
        const sub = nodeItems(it);
        if (sub) countIn(sub);
      }
    }
  };
  countIn(root);

  // --- pass 3: inline single-use and tiny defs, number the rest
  const inline = (id: number): boolean => uses[id]! <= 1 || tiny(id);
  const finalId = new Map<number, number>();
  const defs: JsonItem[][] = [];
  const rewrite = (items: readonly JsonItem[]): JsonItem[] => {
    const out: JsonItem[] = [];
    for (const it of items) {
      if (typeof it === 'number') {
        if (inline(it)) out.push(...rewrite(canonItems[it]!));
        else out.push(refTo(it));
      } else {
        out.push(withItems(it, rewrite));
      }
    }
    return out;
  };
  const refTo = (id: number): number => {
    let f = finalId.get(id);
    if (f === undefined) {
      f = defs.length;
      finalId.set(id, f);
      defs.push([]); // reserve the slot, fill after (children may add more defs)
      defs[f] = rewrite(canonItems[id]!);
    }
    return f;
  };
  const finalRoot = rewrite(root);
  return { types, defs, root: finalRoot, stats: { groupings, distinct: canonItems.length, emittedDefs: defs.length } };
}

function encodeItems(items: readonly Item[], canon: (d: Def) => number, typeId: (t: JsonType) => number): JsonItem[] {
  return items.map((it) => (it.kind === 'ref' ? canon(it.def) : encodeNode(it, canon, typeId)));
}

function encodeNode(n: DataNode, canon: (d: Def) => number, typeId: (t: JsonType) => number): JsonNode {
  switch (n.kind) {
    case 'container': {
      const items = encodeItems(n.items, canon, typeId);
      return n.presence ? ['c', n.name, items, CONTAINER_PRESENCE] : ['c', n.name, items];
    }
    case 'list': {
      const items = encodeItems(n.items, canon, typeId);
      const flags = (n.orderedByUser ? LIST_ORDERED_BY_USER : 0) | (n.omitName ? LIST_OMIT_NAME : 0);
      const kw = keyKeywordsToStore(n);
      if (kw) return ['L', n.name, n.keys, items, flags, kw];
      return flags ? ['L', n.name, n.keys, items, flags] : ['L', n.name, n.keys, items];
    }
    case 'leaf': {
      const flags = (n.mandatory ? LEAF_MANDATORY : 0) | (n.noKeyword ? LEAF_NO_KEYWORD : 0);
      const t = typeId(n.type);
      if (n.default !== undefined) return ['l', n.name, t, flags, n.default];
      return flags ? ['l', n.name, t, flags] : ['l', n.name, t];
    }
    case 'leaf-list': {
      const t = typeId(n.type);
      return n.orderedByUser ? ['ll', n.name, t, LEAFLIST_ORDERED_BY_USER] : ['ll', n.name, t];
    }
  }
}

/** keyKeywords only when they differ from the default ([] for one key, the key names otherwise). */
function keyKeywordsToStore(n: ListNode): string[] | undefined {
  if (!n.keyKeywords) return undefined;
  const dflt = n.keys.length <= 1 ? [] : [...n.keys];
  if (n.keyKeywords.length === dflt.length && n.keyKeywords.every((k, i) => k === dflt[i])) return undefined;
  return n.keyKeywords;
}

function nodeItems(n: JsonNode): readonly JsonItem[] | undefined {
  if (n[0] === 'c') return n[2];
  if (n[0] === 'L') return n[3];
  return undefined;
}

function withItems(n: JsonNode, f: (items: readonly JsonItem[]) => JsonItem[]): JsonNode {
  if (n[0] === 'c') {
    const [k, name, items, ...rest] = n;
    return [k, name, f(items), ...rest] as JsonNode;
  }
  if (n[0] === 'L') {
    const [k, name, keys, items, ...rest] = n;
    return [k, name, keys, f(items), ...rest] as JsonNode;
  }
  return n;
}
