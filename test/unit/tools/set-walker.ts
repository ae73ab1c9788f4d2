/**
 * A small reference walker for `set` statements against the schema, used by the schema tests to
 * check that real Junos configurations resolve: container child → list key(s) → leaf value /
 * leaf-list values (`[ a b ]`). Keywords must be written in full (as in saved configurations).
 */
import { writtenWithoutKeyword } from '../../../config/schema/schema.js';
import type { ContainerSchema, LeafListSchema, LeafSchema, ListSchema, SchemaNode } from '../../../config/schema/types.js';
import { parseValue } from '../../../config/schema/values.js';

/** Splits a statement into words: double-quoted strings are one word (quotes removed). */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let w = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) {
          w += line[j + 1];
          j += 2;
        } else {
          w += line[j];
          j++;
        }
      }
      out.push(w);
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && line[j] !== ' ' && line[j] !== '\t') j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

export type WalkResult = { readonly ok: true; readonly nodes: readonly SchemaNode[] } | { readonly ok: false; readonly at: number; readonly reason: string };

type Level = ContainerSchema | ListSchema;

/** Walks the words of a statement (without the leading `set`). */
export function walkStatement(root: ContainerSchema, words: readonly string[]): WalkResult {
  const nodes: SchemaNode[] = [];
  let level: Level = root;
  let i = 0;
  const fail = (at: number, reason: string): WalkResult => ({ ok: false, at, reason });

  const readKeys = (list: ListSchema, at: number): number | string => {
    let j = at;
    if (list.keyKeywords.length === 0) {
      const w = words[j];
      if (w === undefined) return `missing key of ${list.path}`;
      const v = parseValue(list.keys[0]!.type, w);
      if ('error' in v) return `key of ${list.path}: ${v.error}`;
      return j + 1;
    }
    for (let k = 0; k < list.keys.length; k++) {
      const kw = list.keyKeywords[k]!;
      if (kw !== '') {
        if (words[j] !== kw) return `expected '${kw}' for ${list.path}`;
        j++;
      }
      const w = words[j];
      // A trailing positional key may be left out (route-filter 10.0.0.0/8 exact: no choice-value).
      if (w === undefined && kw === '' && k > 0) return j;
      if (w === undefined) return `missing key ${list.keys[k]!.name} of ${list.path}`;
      const v = parseValue(list.keys[k]!.type, w);
      if ('error' in v) return `key ${list.keys[k]!.name} of ${list.path}: ${v.error}`;
      j++;
    }
    return j;
  };

  /** Checks a leaf's value at `at`; returns the index after it (Junos lets siblings follow on the same line). */
  const leafValue = (leaf: LeafSchema, at: number): number | string => {
    if (leaf.type.base === 'empty') return at;
    const w = words[at];
    if (w === undefined) return `missing value for ${leaf.path}`;
    const v = parseValue(leaf.type, w);
    if ('error' in v) return `${leaf.path}: ${v.error}`;
    return at + 1;
  };

  const leafListValues = (ll: LeafListSchema, at: number): number | string => {
    let vals: readonly string[];
    let next: number;
    if (words[at] === '[') {
      const end = words.indexOf(']', at);
      if (end < 0) return `missing ']'`;
      vals = words.slice(at + 1, end);
      next = end + 1;
    } else {
      if (words[at] === undefined) return `missing value for ${ll.path}`;
      vals = [words[at]!];
      next = at + 1;
    }
    for (const w of vals) {
      const v = parseValue(ll.type, w);
      if ('error' in v) return `${ll.path}: ${v.error}`;
    }
    return next;
  };

  while (i < words.length) {
    const w = words[i]!;
    const kids: readonly SchemaNode[] = level.children();
    // Nameless lists and "nokeyword" leaves are never introduced by their own name.
    let node: SchemaNode | undefined = kids.find((c) => c.name === w && !(c.kind === 'list' && c.omitName) && !writtenWithoutKeyword(c));
    if (!node) node = kids.find((c): c is ListSchema => c.kind === 'list' && c.omitName && c.keyKeywords.length > 0 && c.keyKeywords[0] === w);
    if (node) {
      nodes.push(node);
      switch (node.kind) {
        case 'container':
          level = node;
          i++;
          continue;
        case 'list': {
          const r = readKeys(node, node.omitName ? i : i + 1);
          if (typeof r === 'string') return fail(i, r);
          level = node;
          i = r;
          continue;
        }
        case 'leaf':
        case 'leaf-list': {
          const r = node.kind === 'leaf' ? leafValue(node, i + 1) : leafListValues(node, i + 1);
          if (typeof r === 'string') return fail(i + 1, r);
          i = r;
          continue;
        }
      }
    }
    // Written without a keyword: the value of a "nokeyword" leaf, or the key of a nameless list.
    const noKw = kids.find((c): c is LeafSchema => c.kind === 'leaf' && writtenWithoutKeyword(c) && 'value' in parseValue(c.type, w));
    if (noKw) {
      nodes.push(noKw);
      i++;
      continue;
    }
    const nameless = kids.filter((c): c is ListSchema => c.kind === 'list' && c.omitName && (c.keyKeywords.length === 0 || c.keyKeywords[0] === ''));
    let entered = false;
    for (const list of nameless) {
      const r = readKeys(list, i);
      if (typeof r === 'string') continue;
      nodes.push(list);
      level = list;
      i = r;
      entered = true;
      break;
    }
    if (!entered) return fail(i, `'${w}' is not a keyword under '${level.path || '(top)'}'`);
  }
  return { ok: true, nodes };
}
