/**
 * Configuration text as Junos prints it, always in schema order (never the order typed):
 * the curly form of `show`, the flat form of `show | display set`, and `show | compare`.
 */
import type { DataContainer, DataList, DataListEntry, DataNode } from './data.js';
import type { Level } from './path.js';
import type { ContainerSchema, ListSchema, SchemaNode } from './schema/types.js';
import { isSecretLeaf } from './secret-leaves.js';

const INDENT = '    ';

/** Quote a value when Junos would: spaces, structure characters, or nothing at all. */
export function quoteValue(v: string): string {
  if (v === '' || /[\s;{}[\]"'#$&|()<>\\]/.test(v)) return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return v;
}

/** How a list entry is introduced: `gateway GW`, `ge-0/0/0`, `from-zone A to-zone B`. */
export function entryHeader(list: ListSchema, keys: readonly string[]): string {
  const keyText = keyWords(list, keys);
  return list.omitName ? keyText : `${list.name} ${keyText}`;
}

/** The key part of an entry: values, each after its keyword where it has one; omitted keys vanish. */
export function keyWords(list: ListSchema, keys: readonly string[]): string {
  if (list.keyKeywords.length === 0) return keys.map(quoteValue).join(' ');
  return list.keyKeywords
    .map((kw, i) => ({ kw, v: keys[i] ?? '' }))
    .filter(({ kw, v }) => !(kw === '' && v === ''))
    .map(({ kw, v }) => (kw === '' ? quoteValue(v) : `${kw} ${quoteValue(v)}`))
    .join(' ');
}

function inactive(node: { ia?: true }): string {
  return node.ia ? 'inactive: ' : '';
}

/**
 * Containers Junos prints on the line of their child (`family inet {`, `pre-shared-key
 * ascii-text "…";`, `local-identity inet 192.0.2.1;`): containers that only select a variant.
 */
const INLINE_CONTAINERS: readonly string[] = [
  'interfaces interface unit family',
  'security ike policy pre-shared-key',
  'security ike gateway local-identity',
  'security ike gateway remote-identity',
  'security ipsec vpn manual authentication key',
  'security ipsec vpn manual encryption key',
];

/** Lists whose entries fit on one line when they hold a single value (`route 0/0 next-hop 1.1.1.1;`). */
const ONE_LINE_LISTS: readonly string[] = ['routing-options static route', 'routing-options rib inet6.0 static route'];

const bare = (path: string): string => path.replace(/^groups \S+ /, '');
const isInline = (c: SchemaNode): boolean => c.kind === 'container' && INLINE_CONTAINERS.includes(bare(c.path));

/**
 * Plural-named lists print their entries inside a block of their own name (`interfaces {
 * reth0.0; }`, `system-services { ike; }`), singular ones entry by entry (`gateway GW { … }`).
 * Junos's display rules are not in the YANG; this naming rule is the emulator's reading.
 */
export function groupedList(list: ListSchema): boolean {
  const keyworded = list.keyKeywords.some((kw) => kw !== '');
  return !list.omitName && (keyworded || /[^s]s$/.test(list.name));
}

/** Curly lines for the children of `data` at schema level `level`. */
export function renderCurly(data: DataContainer, level: Level | ContainerSchema, depth = 0): string[] {
  const out: string[] = [];
  const pad = INDENT.repeat(depth);
  for (const child of level.children()) {
    const node = data.ch[child.name];
    if (!node) continue;
    out.push(...renderChild(child, node, depth, pad, ''));
  }
  return out;
}

/** One child's lines; `lead` is text written before its keyword (an inline parent's name). */
function renderChild(child: SchemaNode, node: DataNode, depth: number, pad: string, lead: string): string[] {
  switch (child.kind) {
    case 'leaf': {
      if (node.t !== 'v') return [];
      const secret = isSecretLeaf(child.path) ? ' ## SECRET-DATA' : '';
      const body = child.noKeyword ? `${quoteValue(node.v)};` : child.type.base === 'empty' ? `${child.name};` : `${child.name} ${quoteValue(node.v)};`;
      return [`${pad}${inactive(node)}${lead}${body}${secret}`];
    }
    case 'leaf-list': {
      if (node.t !== 'vs') return [];
      const vals = node.v.map(quoteValue);
      const body = vals.length === 1 ? `${child.name} ${vals[0]};` : `${child.name} [ ${vals.join(' ')} ];`;
      return [`${pad}${inactive(node)}${lead}${body}`];
    }
    case 'container': {
      if (node.t !== 'c') return [];
      if (isInline(child)) {
        const inner = child.children().flatMap((g) => (node.ch[g.name] ? renderChild(g, node.ch[g.name]!, depth, pad, `${lead}${inactive(node)}${child.name} `) : []));
        if (inner.length > 0) return inner;
      }
      const inner = renderCurly(node, child, depth + 1);
      if (singleBareValue(child, node, inner)) return [`${pad}${inactive(node)}${lead}${child.name} ${joinBare(inner)}`];
      return block(`${pad}${inactive(node)}${lead}${child.name}`, inner, pad);
    }
    case 'list': {
      if (node.t !== 'l') return [];
      if (groupedList(child)) {
        const inner = node.e.flatMap((e) => entryLines(child, e, depth + 1, pad + INDENT, false));
        return block(`${pad}${lead}${child.name}`, inner, pad);
      }
      return node.e.flatMap((e) => entryLines(child, e, depth, pad, true, lead));
    }
  }
}

/** The entries of a list shown from the list's own level (`show security ike gateway`): key headers only. */
export function renderListLevel(list: ListSchema, node: DataList): string[] {
  return node.e.flatMap((e) => entryLines(list, e, 0, '', false));
}

function entryLines(list: ListSchema, e: DataListEntry, depth: number, pad: string, withName: boolean, lead = ''): string[] {
  const keysOnly = keyWords(list, e.k);
  const header = `${pad}${inactive(e.b)}${lead}${withName ? entryHeader(list, e.k) : keysOnly}`;
  const inner = renderCurly(e.b, list, depth + 1);
  // A single value that fits on the entry's line: `address A 10.0.0.0/8;`, `route … next-hop …;`.
  if (singleBareValue(list, e.b, inner)) return [`${header} ${joinBare(inner)}`];
  const present = list.children().filter((c) => e.b.ch[c.name]);
  const only = present[0];
  if (present.length === 1 && inner.length === 1 && ONE_LINE_LISTS.includes(bare(list.path)) && (only!.kind === 'leaf' || only!.kind === 'leaf-list')) {
    return [`${header} ${inner[0]!.trim()}`];
  }
  return block(header, inner, pad);
}

/**
 * A level made only of keyword-less values (and sub-levels made only of them) prints on one
 * line: `inet 192.0.2.1;`, `range 2000 to 3000;`, `address 10.0.0.1/32 to 10.0.0.9/32;`.
 */
function bareOnly(level: Level | ContainerSchema, data: DataContainer): boolean {
  const present = level.children().filter((c) => data.ch[c.name]);
  if (present.length === 0) return false;
  let bareLeaf = false;
  for (const c of present) {
    const node = data.ch[c.name]!;
    if ('ia' in node && node.ia) return false;
    if (c.kind === 'leaf' && c.noKeyword) bareLeaf = true;
    else if (!(c.kind === 'container' && node.t === 'c' && bareOnly(c, node))) return false;
  }
  return bareLeaf;
}

function singleBareValue(level: Level | ContainerSchema, data: DataContainer, inner: readonly string[]): boolean {
  return inner.length > 0 && inner.every((l) => !l.includes('{')) && bareOnly(level, data);
}

/** The one-line body of a bare-only level: its lines joined, one closing `;`. */
function joinBare(inner: readonly string[]): string {
  return `${inner.map((l) => l.trim().replace(/;$/, '')).join(' ')};`;
}

function block(head: string, inner: string[], pad: string): string[] {
  if (inner.length === 0) return [`${head};`];
  return [`${head} {`, ...inner, `${pad}}`];
}

/** `display set` lines for everything under `data`, each prefixed with `prefix` words. */
export function renderSet(data: DataContainer, level: Level | ContainerSchema, prefix: readonly string[] = []): string[] {
  const sets: string[] = [];
  const deactivates: string[] = [];
  walkSet(data, level, prefix, sets, deactivates);
  return [...sets, ...deactivates];
}

function walkSet(data: DataContainer, level: Level | ContainerSchema, prefix: readonly string[], sets: string[], deactivates: string[]): void {
  for (const child of level.children()) {
    const node = data.ch[child.name];
    if (!node) continue;
    const here = [...prefix];
    switch (child.kind) {
      case 'leaf':
        if (node.t !== 'v') break;
        if (!child.noKeyword) here.push(child.name);
        if (child.type.base !== 'empty') here.push(quoteValue(node.v));
        sets.push(`set ${here.join(' ')}`);
        if (node.ia) deactivates.push(`deactivate ${[...prefix, child.name].join(' ')}`);
        break;
      case 'leaf-list':
        if (node.t !== 'vs') break;
        for (const v of node.v) sets.push(`set ${[...prefix, child.name, quoteValue(v)].join(' ')}`);
        if (node.ia) deactivates.push(`deactivate ${[...prefix, child.name].join(' ')}`);
        break;
      case 'container': {
        if (node.t !== 'c') break;
        here.push(child.name);
        emitLevel(node, child, here, sets, deactivates);
        break;
      }
      case 'list':
        if (node.t !== 'l') break;
        for (const e of (node as DataList).e) emitLevel(e.b, child, [...prefix, entryHeader(child, e.k)], sets, deactivates);
        break;
    }
  }
}

function emitLevel(node: DataContainer, schema: Level, words: readonly string[], sets: string[], deactivates: string[]): void {
  const before = sets.length;
  walkSet(node, schema, words, sets, deactivates);
  if (sets.length === before) sets.push(`set ${words.join(' ')}`);
  if (node.ia) deactivates.push(`deactivate ${words.join(' ')}`);
}

/**
 * `show | compare`: what `next` changes against `base`, grouped under `[edit …]` headers,
 * `-` for what goes and `+` for what comes, in schema order.
 */
export function renderCompare(base: DataContainer, next: DataContainer, root: ContainerSchema): string[] {
  const out: string[] = [];
  compareLevel(base, next, root, [], out);
  return out;
}

function compareLevel(a: DataContainer | undefined, b: DataContainer | undefined, level: Level | ContainerSchema, where: readonly string[], out: string[]): void {
  // Changes are printed in schema order: a run of changed statements under this level's
  // header, interrupted by the blocks of sub-levels that changed inside.
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) out.push(where.length === 0 ? '[edit]' : `[edit ${where.join(' ')}]`, ...pending);
    pending = [];
  };
  const descend = (fn: () => void): void => {
    flush();
    fn();
  };
  for (const child of level.children()) {
    const na = a?.ch[child.name];
    const nb = b?.ch[child.name];
    if (!na && !nb) continue;
    if (child.kind === 'container' && na?.t === 'c' && nb?.t === 'c' && !!na.ia === !!nb.ia && !isInline(child)) {
      descend(() => compareLevel(na, nb, child, [...where, child.name], out));
      continue;
    }
    if (child.kind === 'list' && na?.t === 'l' && nb?.t === 'l' && !groupedList(child)) {
      const same = (x: DataListEntry, y: DataListEntry): boolean => x.k.join('\u0000') === y.k.join('\u0000');
      for (const ea of na.e) {
        const eb = nb.e.find((x) => same(x, ea));
        if (!eb) pending.push(...signed('-', entryLines(child, ea, 0, '', true)));
        else if (JSON.stringify(ea) !== JSON.stringify(eb)) descend(() => compareLevel(ea.b, eb.b, child, [...where, entryHeader(child, ea.k)], out));
      }
      for (const eb of nb.e) if (!na.e.some((x) => same(x, eb))) pending.push(...signed('+', entryLines(child, eb, 0, '', true)));
      continue;
    }
    if (na && nb && JSON.stringify(na) === JSON.stringify(nb)) continue;
    if (na) pending.push(...signed('-', renderChild(child, na, 0, '', '')));
    if (nb) pending.push(...signed('+', renderChild(child, nb, 0, '', '')));
  }
  flush();
}

function signed(sign: '+' | '-', lines: readonly string[]): string[] {
  return lines.map((l) => `${sign}   ${l}`);
}
