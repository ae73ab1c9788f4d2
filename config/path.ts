/**
 * Resolves the words of a configuration statement (`security ike gateway GW address 1.2.3.4`)
 * against the schema: which containers and list entries it walks through, and which leaf and
 * values it ends on. Keywords may be abbreviated to a unique prefix, as on Junos. Pure.
 */
import type { ContainerSchema, LeafListSchema, LeafSchema, ListSchema, SchemaNode } from './schema/types.js';
import { parseValue } from './schema/values.js';

/** One level of a statement: a container, or a list entry with its key values. */
export interface PathStep {
  readonly schema: ContainerSchema | ListSchema;
  readonly keys?: readonly string[];
}

export interface LeafValues {
  readonly schema: LeafSchema | LeafListSchema;
  /** Canonical values given ('' for an empty-type leaf; none when the value is still missing). */
  readonly values: readonly string[];
  /** How many steps of the path lead to this leaf's level (a line may go deeper after it). */
  readonly depth: number;
  /** Canonical words of those steps (`set` form before the leaf). */
  readonly prefix: readonly string[];
}

export interface ResolvedPath {
  readonly steps: readonly PathStep[];
  /**
   * The leaves the statement sets, in order. Junos accepts several sibling statements in one
   * line (`protocol icmp icmp-type 5 inactivity-timeout 60`); empty when it ends on a level.
   */
  readonly leaves: readonly LeafValues[];
  /** Canonical words of the statement (keywords in full), for banners and messages. */
  readonly words: readonly string[];
}

/** The last leaf of a statement, if it ends on one. */
export function lastLeaf(p: ResolvedPath): LeafValues | undefined {
  return p.leaves[p.leaves.length - 1];
}

export type PathError =
  | { readonly kind: 'syntax'; readonly at: number }
  | { readonly kind: 'ambiguous'; readonly at: number; readonly token: string; readonly matches: readonly SchemaNode[] }
  | { readonly kind: 'missing'; readonly at: number; readonly what: string; readonly key?: { readonly list: ListSchema; readonly index: number; readonly keyword: boolean } }
  | { readonly kind: 'value'; readonly at: number; readonly message: string };

export type PathResult = { readonly ok: true; readonly path: ResolvedPath } | { readonly ok: false; readonly error: PathError; readonly partial: ResolvedPath };

/** A node whose children can be walked: a container, or a list entry (its list's schema). */
export type Level = ContainerSchema | ListSchema;

/** Lists written without their own name (`interfaces ge-0/0/0`, `policies from-zone A to-zone B`). */
export function namelessList(level: Level): ListSchema | undefined {
  return level.children().find((c): c is ListSchema => c.kind === 'list' && c.omitName);
}

/** Children that are matched by keyword at this level. */
export function keywordChildren(level: Level): SchemaNode[] {
  return level.children().filter((c) => !(c.kind === 'list' && c.omitName && c.keyKeywords.length === 0) && !(c.kind === 'leaf' && c.noKeyword));
}

/** A leaf written as a bare value at this level (`address A 10.0.0.0/8`). */
export function keywordlessLeaf(level: Level): LeafSchema | undefined {
  return level.children().find((c): c is LeafSchema => c.kind === 'leaf' && c.noKeyword === true);
}

export function matchKeyword(level: Level, token: string): SchemaNode[] {
  const kids = keywordChildren(level);
  const exact = kids.find((c) => keywordOf(c) === token);
  if (exact) return [exact];
  return kids.filter((c) => keywordOf(c).startsWith(token));
}

/** The word that introduces a node: its name, or the first key keyword of a nameless multi-key list. */
export function keywordOf(node: SchemaNode): string {
  if (node.kind === 'list' && node.omitName && node.keyKeywords.length > 0) return node.keyKeywords[0]!;
  return node.name;
}

export function resolvePath(root: ContainerSchema, tokens: readonly string[], startAt: readonly PathStep[] = []): PathResult {
  const steps: PathStep[] = [...startAt];
  const words: string[] = [];
  const leaves: LeafValues[] = [];
  // Words of the steps only (without leaf words), for each leaf's prefix.
  const stepWords: string[] = [];
  const leafAt = (schema: LeafSchema | LeafListSchema, values: string[]): LeafValues => ({ schema, values, depth: steps.length, prefix: [...stepWords] });
  let level: Level = startAt.length > 0 ? startAt[startAt.length - 1]!.schema : root;
  let i = 0;
  const partial = (): ResolvedPath => ({ steps: [...steps], words: [...words], leaves: [...leaves] });
  const fail = (error: PathError): PathResult => ({ ok: false, error, partial: partial() });

  while (i < tokens.length) {
    const token = tokens[i]!;
    const matches = matchKeyword(level, token);
    let node: SchemaNode | undefined;
    if (matches.length === 1) node = matches[0];
    else if (matches.length > 1) return fail({ kind: 'ambiguous', at: i, token, matches });
    else {
      const bare = keywordlessLeaf(level);
      const bareValue = bare ? parseValue(bare.type, token) : undefined;
      if (bare && bareValue && 'value' in bareValue) {
        words.push(bareValue.value);
        leaves.push(leafAt(bare, [bareValue.value]));
        i++;
        continue;
      }
      const nameless = namelessList(level);
      if (!nameless) return fail(bareValue && 'error' in bareValue && /\d/.test(token) ? { kind: 'value', at: i, message: bareValue.error } : { kind: 'syntax', at: i });
      const keys = readKeys(nameless, tokens, i);
      if ('error' in keys) return fail(keys.error);
      if (leaves.length > 0) return fail({ kind: 'syntax', at: i });
      steps.push({ schema: nameless, keys: keys.values });
      words.push(...keys.words);
      stepWords.push(...keys.words);
      level = nameless;
      i = keys.next;
      continue;
    }
    // After a value the line may go on into a sibling container (`range 2000 to 3000`), not a list.
    if (leaves.length > 0 && node!.kind === 'list') return fail({ kind: 'syntax', at: i });
    switch (node!.kind) {
      case 'container':
        steps.push({ schema: node! });
        words.push(node!.name);
        stepWords.push(node!.name);
        level = node!;
        i++;
        break;
      case 'list': {
        const list = node!;
        let at = i;
        if (!(list.omitName && list.keyKeywords.length > 0)) {
          words.push(list.name);
          stepWords.push(list.name);
          at = i + 1;
        }
        if (at >= tokens.length) {
          // `edit security ike gateway` / `show security ike gateway`: the list itself.
          steps.push({ schema: list });
          return { ok: true, path: partial() };
        }
        const keys = readKeys(list, tokens, at);
        if ('error' in keys) return fail(keys.error);
        steps.push({ schema: list, keys: keys.values });
        words.push(...keys.words);
        stepWords.push(...keys.words);
        level = list;
        i = keys.next;
        break;
      }
      case 'leaf': {
        const leaf = node!;
        words.push(leaf.name);
        i++;
        if (leaf.type.base === 'empty') {
          leaves.push(leafAt(leaf, ['']));
          break;
        }
        if (i >= tokens.length) {
          leaves.push(leafAt(leaf, []));
          return { ok: true, path: partial() };
        }
        const v = parseValue(leaf.type, tokens[i]!);
        if ('error' in v) return fail({ kind: 'value', at: i, message: v.error });
        words.push(v.value);
        leaves.push(leafAt(leaf, [v.value]));
        i++;
        break;
      }
      case 'leaf-list': {
        const ll = node!;
        words.push(ll.name);
        i++;
        const values: string[] = [];
        if (tokens[i] === '[') {
          let j = i + 1;
          for (; j < tokens.length && tokens[j] !== ']'; j++) {
            const v = parseValue(ll.type, tokens[j]!);
            if ('error' in v) return fail({ kind: 'value', at: j, message: v.error });
            values.push(v.value);
          }
          if (j >= tokens.length) return fail({ kind: 'missing', at: j, what: "']'" });
          i = j + 1;
        } else if (i < tokens.length) {
          const v = parseValue(ll.type, tokens[i]!);
          if ('error' in v) return fail({ kind: 'value', at: i, message: v.error });
          values.push(v.value);
          i++;
        }
        words.push(...values);
        leaves.push(leafAt(ll, values));
        if (values.length === 0) return { ok: true, path: partial() };
        break;
      }
    }
  }
  return { ok: true, path: partial() };
}

/** `token` is (a prefix of) a keyword of the list's entries. */
function entryKeyword(list: ListSchema, token: string): boolean {
  return keywordChildren(list).some((c) => keywordOf(c).startsWith(token));
}

type KeyRead = { values: string[]; words: string[]; next: number } | { error: PathError };

function readKeys(list: ListSchema, tokens: readonly string[], at: number): KeyRead {
  const values: string[] = [];
  const words: string[] = [];
  let i = at;
  if (list.keyKeywords.length === 0) {
    const key = list.keys[0]!;
    if (i >= tokens.length) return { error: { kind: 'missing', at: i, what: `<${key.name}>`, key: { list, index: 0, keyword: false } } };
    const v = parseValue(key.type, tokens[i]!);
    if ('error' in v) return { error: { kind: 'value', at: i, message: v.error } };
    return { values: [v.value], words: [v.value], next: i + 1 };
  }
  for (let k = 0; k < list.keys.length; k++) {
    const kw = list.keyKeywords[k]!;
    const key = list.keys[k]!;
    const token = tokens[i];
    if (kw === '') {
      // A positional key (`route-filter 10.0.0.0/8 longer`); keys after the first may be left
      // out when the statement ends or goes on with a keyword of the entry.
      if (token === undefined || (k > 0 && entryKeyword(list, token))) {
        if (k === 0) return { error: { kind: 'missing', at: i, what: `<${key.name}>`, key: { list, index: k, keyword: false } } };
        values.push('');
        continue;
      }
      const v = parseValue(key.type, token);
      if ('error' in v) {
        if (k > 0 && k === list.keys.length - 1) {
          values.push('');
          continue;
        }
        return { error: { kind: 'value', at: i, message: v.error } };
      }
      values.push(v.value);
      words.push(v.value);
      i += 1;
      continue;
    }
    if (token === undefined) return { error: { kind: 'missing', at: i, what: kw, key: { list, index: k, keyword: true } } };
    if (!kw.startsWith(token)) return { error: { kind: 'syntax', at: i } };
    const valueToken = tokens[i + 1];
    if (valueToken === undefined) return { error: { kind: 'missing', at: i + 1, what: `<${key.name}>`, key: { list, index: k, keyword: false } } };
    const v = parseValue(key.type, valueToken);
    if ('error' in v) return { error: { kind: 'value', at: i + 1, message: v.error } };
    values.push(v.value);
    words.push(kw, v.value);
    i += 2;
  }
  return { values, words, next: i };
}
