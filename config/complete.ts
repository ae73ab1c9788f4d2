/**
 * What may come next in a configuration statement, for `?` and TAB: keywords of the level
 * (marked `>` when they open sub-statements, `+` when they take several values), the value a
 * leaf or list key expects, its enumeration, and names that already exist in the candidate
 * (gateways, proposals, interfaces…). Pure: schema + candidate in, items out.
 */
import type { DataContainer } from './data.js';
import { keywordChildren, keywordOf, keywordlessLeaf, lastLeaf, namelessList, resolvePath, type Level, type PathStep } from './path.js';
import { existingNames, referenceFrom } from './references.js';
import type { ContainerSchema, LeafListSchema, LeafSchema, ListSchema, SchemaNode, ValueType } from './schema/types.js';
import { typeLabel } from './schema/values.js';

export interface ConfigHelpItem {
  readonly name: string;
  readonly help: string;
  readonly marker?: '>' | '+';
  /** A value (not a keyword): TAB completes it only when it is a concrete name. */
  readonly isValue?: boolean;
}

export type Expectation =
  | { readonly kind: 'level'; readonly level: Level | ContainerSchema; readonly complete: boolean }
  | { readonly kind: 'key'; readonly list: ListSchema; readonly index: number; readonly keyword: boolean }
  | { readonly kind: 'value'; readonly leaf: LeafSchema | LeafListSchema }
  | { readonly kind: 'end' }
  | { readonly kind: 'error' };

/** What the statement expects after `words`. */
export function expectAfter(root: ContainerSchema, words: readonly string[], startAt: readonly PathStep[]): Expectation {
  const r = resolvePath(root, words, startAt);
  if (!r.ok) {
    const e = r.error;
    if (e.kind === 'missing' && e.key && e.at === words.length) return { kind: 'key', list: e.key.list, index: e.key.index, keyword: e.key.keyword };
    return { kind: 'error' };
  }
  const p = r.path;
  const leaf = lastLeaf(p);
  const last = p.steps[p.steps.length - 1];
  if (leaf) {
    const { schema, values } = leaf;
    if (values.length === 0) return { kind: 'value', leaf: schema };
    const openBracket = words.lastIndexOf('[') > words.lastIndexOf(']');
    if (schema.kind === 'leaf-list' && openBracket) return { kind: 'value', leaf: schema };
    // More sibling statements may follow on the same line.
    return { kind: 'level', level: last ? last.schema : root, complete: true };
  }
  if (last && last.schema.kind === 'list' && !last.keys) {
    const kw = last.schema.keyKeywords[0];
    return { kind: 'key', list: last.schema, index: 0, keyword: kw !== undefined && kw !== '' };
  }
  return { kind: 'level', level: last ? last.schema : root, complete: true };
}

function marker(node: SchemaNode): '>' | '+' | undefined {
  if (node.kind === 'container' || node.kind === 'list') return '>';
  if (node.kind === 'leaf-list') return '+';
  return undefined;
}

/** Items for `?` after `words`, filtered by the partial word. */
export function configHelp(
  root: ContainerSchema,
  words: readonly string[],
  partial: string,
  startAt: readonly PathStep[],
  candidate: DataContainer,
): ConfigHelpItem[] {
  const exp = expectAfter(root, words, startAt);
  const items: ConfigHelpItem[] = [];
  switch (exp.kind) {
    case 'level': {
      const nameless = namelessList(exp.level);
      if (nameless) items.push(...keyItems(nameless, 0, candidate, startAt, words, root));
      const bare = keywordlessLeaf(exp.level);
      if (bare) items.push(...valueItems(bare, candidate));
      for (const c of keywordChildren(exp.level)) {
        const m = marker(c);
        items.push({ name: keywordOf(c), help: c.help, ...(m ? { marker: m } : {}) });
      }
      break;
    }
    case 'key':
      if (exp.keyword && exp.list.keyKeywords[exp.index] !== '') items.push({ name: exp.list.keyKeywords[exp.index]!, help: exp.list.keys[exp.index]!.help });
      else items.push(...keyItems(exp.list, exp.index, candidate, startAt, words, root));
      break;
    case 'value':
      items.push(...valueItems(exp.leaf, candidate));
      break;
    case 'end':
    case 'error':
      break;
  }
  const filtered = items.filter((i) => i.name.startsWith(partial) || (partial === '' && i.name.startsWith('<')));
  const values = filtered.filter((i) => i.name.startsWith('<'));
  const rest = filtered.filter((i) => !i.name.startsWith('<')).sort((a, b) => a.name.localeCompare(b.name));
  return [...values, ...dedupe(rest)];
}

function dedupe(items: ConfigHelpItem[]): ConfigHelpItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.name) ? false : (seen.add(i.name), true)));
}

function keyItems(list: ListSchema, index: number, candidate: DataContainer, startAt: readonly PathStep[], words: readonly string[], root: ContainerSchema): ConfigHelpItem[] {
  const key = list.keys[index]!;
  const items: ConfigHelpItem[] = [{ name: `<${key.name}>`, help: key.help || list.help, isValue: true }];
  if (list.keys.length === 1) {
    // Existing entries of this very list, at the place being edited.
    const holder = dataAt(root, candidate, words, startAt);
    const node = holder?.ch[list.name];
    if (node && node.t === 'l') for (const e of node.e) items.push({ name: e.k[0]!, help: '', isValue: true });
  }
  return items;
}

function dataAt(root: ContainerSchema, candidate: DataContainer, words: readonly string[], startAt: readonly PathStep[]): DataContainer | undefined {
  const all = [...startAt];
  for (let cut = words.length; cut >= 0; cut--) {
    const r = resolvePath(root, words.slice(0, cut), startAt);
    if (r.ok && r.path.leaves.length === 0) {
      all.splice(0, all.length, ...r.path.steps.filter((s) => s.schema.kind === 'container' || s.keys));
      break;
    }
  }
  let cur: DataContainer | undefined = candidate;
  for (const s of all) {
    const n: DataContainer['ch'][string] | undefined = cur?.ch[s.schema.name];
    if (!n) return undefined;
    if (n.t === 'c') cur = n;
    else if (n.t === 'l') cur = n.e.find((e) => e.k.join(' ') === (s.keys ?? []).join(' '))?.b;
    else return undefined;
  }
  return cur;
}

function valueItems(leaf: LeafSchema | LeafListSchema, candidate: DataContainer): ConfigHelpItem[] {
  const items: ConfigHelpItem[] = [];
  const ref = referenceFrom(leaf.path);
  // A closed list of keywords needs no placeholder; anything else shows what kind of value it takes.
  if (leaf.type.base !== 'enumeration') items.push({ name: `<${ref ? ref.noun.replace(/ /g, '-').toLowerCase() : typeLabel(leaf.type)}>`, help: leaf.help, isValue: true });
  if (leaf.kind === 'leaf-list') items.push({ name: '[', help: 'Open a set of values', isValue: true });
  items.push(...enumItems(leaf.type));
  if (ref) for (const n of existingNames(candidate, ref.to)) items.push({ name: n, help: '', isValue: true });
  return items;
}

function enumItems(t: ValueType): ConfigHelpItem[] {
  if (t.base === 'enumeration') return t.values.map((v) => ({ name: v.name, help: v.help, isValue: true }));
  if (t.base === 'union') return t.members.flatMap(enumItems);
  return [];
}

/** The statement is complete after `words` (nothing required is missing). */
export function configCanEnd(root: ContainerSchema, words: readonly string[], startAt: readonly PathStep[]): boolean {
  const exp = expectAfter(root, words, startAt);
  return exp.kind === 'level' || exp.kind === 'end';
}

/** Whole words TAB may complete to. */
export function configCompletions(root: ContainerSchema, words: readonly string[], partial: string, startAt: readonly PathStep[], candidate: DataContainer): string[] {
  return configHelp(root, words, partial, startAt, candidate)
    .filter((i) => !i.name.startsWith('<') && i.name !== '[')
    .map((i) => i.name);
}
