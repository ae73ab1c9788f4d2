/**
 * Resolves parsed YANG modules into the generator's schema tree (tools/yang/model.ts).
 *
 * Handles: module/submodule-free sets of modules linked by `import` prefixes; `grouping`/`uses`
 * (module-local, nested, or imported by prefix) with `refine` and `augment` inside `uses`;
 * `typedef` chains; top-level `augment` of data nodes of another module; `choice`/`case`
 * (flattened: the Junos CLI has no level for them); containers (presence), lists (key,
 * ordered-by), leaves (type, default, mandatory), leaf-lists. Everything else (must, when,
 * description, status, config, max-elements, units, ...) is ignored.
 */
import type { JsonType } from '../../config/schema/format.js';
import type { NumericRange } from '../../config/schema/types.js';
import { parseYang, sub, subArg, type Statement } from './parser.js';
import { flatten, hasItems, ownChild, type ContainerNode, type DataNode, type Def, type Item, type LeafNode, type ListNode } from './model.js';

export class YangResolveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YangResolveError';
  }
}

export interface YangModule {
  readonly name: string;
  readonly prefix: string;
  readonly file: string;
  readonly stmt: Statement;
  /** import prefix → module name */
  readonly imports: ReadonlyMap<string, string>;
  /** The most recent `revision` date. */
  readonly revision: string | undefined;
  /** That revision's description (Junos puts the release there: "Junos: 24.4R1.11"). */
  readonly revisionDescription: string | undefined;
  readonly scope: Scope;
}

interface Scope {
  readonly module: YangModule | undefined; // undefined only while the module is being built
  readonly groupings: Map<string, Statement>;
  readonly typedefs: Map<string, Statement>;
  readonly parent: Scope | undefined;
}

/** Where a grouping or typedef was found, with the scope its body must be resolved in. */
interface Found {
  readonly stmt: Statement;
  readonly scope: Scope;
  readonly module: YangModule;
}

/** A string member matching only Junos variables (`<name>` / `$name`, used in groups and apply-macro). */
export const VARIABLE_PATTERN = '<.*>|$.*';

/**
 * Junos named types from junos-common-types. In the published YANG they are all plain strings;
 * the base tells the runtime how to validate them.
 */
const NAMED_TYPES: Record<string, JsonType> = {
  ipv4addr: { base: 'ipv4-address' },
  ipv4prefix: { base: 'ipv4-prefix' },
  'ipv4prefix-mandatory': { base: 'ipv4-prefix' },
  'ipv4prefix-optional': { base: 'ipv4-prefix' },
  'ipv4prefix-only': { base: 'ipv4-prefix' },
  ipv6addr: { base: 'ipv6-address' },
  ipv6prefix: { base: 'ipv6-prefix' },
  'ipv6prefix-mandatory': { base: 'ipv6-prefix' },
  'ipv6prefix-optional': { base: 'ipv6-prefix' },
  'ipv6prefix-only': { base: 'ipv6-prefix' },
  ipaddr: { base: 'ip-address' },
  ipprefix: { base: 'ip-prefix' },
  'ipprefix-mandatory': { base: 'ip-prefix' },
  'ipprefix-optional': { base: 'ip-prefix' },
  'ipprefix-only': { base: 'ip-prefix' },
  'ipv4addr-or-interface': { base: 'union', members: [{ base: 'ipv4-address' }, { base: 'interface-name' }] },
  'ipaddr-or-interface': { base: 'union', members: [{ base: 'ip-address' }, { base: 'interface-name' }] },
  'ipv6addr-or-interface': { base: 'union', members: [{ base: 'ipv6-address' }, { base: 'interface-name' }] },
  'interface-name': { base: 'interface-name' },
  'interface-unit': { base: 'interface-name' },
  'interface-device': { base: 'interface-name' },
  'mac-addr': { base: 'mac-address' },
  'mac-unicast': { base: 'mac-address' },
  'mac-multicast': { base: 'mac-address' },
};
const NAMED_TYPES_MODULE = 'junos-common-types';

const INTEGER_BOUNDS: Record<string, NumericRange> = {
  int8: { min: '-128', max: '127' },
  int16: { min: '-32768', max: '32767' },
  int32: { min: '-2147483648', max: '2147483647' },
  int64: { min: '-9223372036854775808', max: '9223372036854775807' },
  uint8: { min: '0', max: '255' },
  uint16: { min: '0', max: '65535' },
  uint32: { min: '0', max: '4294967295' },
  uint64: { min: '0', max: '18446744073709551615' },
};

/** Data-definition statements that produce schema items. */
const DATA_KEYWORDS = new Set(['container', 'list', 'leaf', 'leaf-list', 'choice', 'case', 'uses', 'anydata', 'anyxml']);

export interface NodeContext {
  /**
   * Name of the statement the node is written in: the enclosing container or list, or the
   * grouping when the node is at a grouping's top level, or the last segment of an augment's
   * target path (choice and case levels are transparent).
   */
  readonly parent: string;
  readonly module: string;
}

export interface ResolveOptions {
  /** Called for each construct the resolver does not support and skips. */
  readonly warn?: (message: string) => void;
  /** Called for every data node created, to adjust it (generator override tables). */
  readonly onNode?: (node: DataNode, context: NodeContext) => void;
}

export class YangResolver {
  readonly modules = new Map<string, YangModule>();
  private readonly groupingDefs = new Map<Statement, Def>();
  private readonly typedefTypes = new Map<Statement, JsonType>();
  private readonly compiling = new Set<Statement>();
  private readonly warn: (message: string) => void;
  private readonly onNode: (node: DataNode, context: NodeContext) => void;

  constructor(options: ResolveOptions = {}) {
    this.warn = options.warn ?? (() => {});
    this.onNode = options.onNode ?? (() => {});
  }

  /** Parses and registers one module's text. Submodules are not used by the Junos models and are rejected. */
  addSource(source: string, file: string): YangModule {
    const top = parseYang(source, file);
    const stmt = top.find((s) => s.keyword === 'module');
    if (!stmt || stmt.arg === undefined) throw new YangResolveError(`${file}: no 'module' statement`);
    const prefix = subArg(stmt, 'prefix');
    if (prefix === undefined) throw new YangResolveError(`${file}: module ${stmt.arg} has no prefix`);
    const imports = new Map<string, string>();
    for (const imp of stmt.subs.filter((s) => s.keyword === 'import')) {
      const p = subArg(imp, 'prefix');
      if (imp.arg !== undefined && p !== undefined) imports.set(p, imp.arg);
    }
    const revisions = stmt.subs.filter((s) => s.keyword === 'revision' && s.arg !== undefined);
    revisions.sort((a, b) => (a.arg! < b.arg! ? 1 : a.arg! > b.arg! ? -1 : 0));
    const latest = revisions[0];
    const scopeMaps = { groupings: new Map<string, Statement>(), typedefs: new Map<string, Statement>() };
    const mod: YangModule = {
      name: stmt.arg,
      prefix,
      file,
      stmt,
      imports,
      revision: latest?.arg,
      revisionDescription: latest ? subArg(latest, 'description') : undefined,
      scope: undefined as unknown as Scope,
    };
    const scope: Scope = { module: mod, ...scopeMaps, parent: undefined };
    collectDefinitions(stmt, scope);
    (mod as { scope: Scope }).scope = scope;
    this.modules.set(mod.name, mod);
    return mod;
  }

  private module(name: string): YangModule {
    const m = this.modules.get(name);
    if (!m) throw new YangResolveError(`module ${name} is not loaded`);
    return m;
  }

  /** Resolves `[prefix:]name` to the module it belongs to and the bare name. */
  private splitRef(ref: string, from: YangModule): { module: YangModule; name: string; local: boolean } {
    const colon = ref.indexOf(':');
    if (colon < 0) return { module: from, name: ref, local: true };
    const prefix = ref.slice(0, colon);
    const name = ref.slice(colon + 1);
    if (prefix === from.prefix) return { module: from, name, local: true };
    const modName = from.imports.get(prefix);
    if (modName === undefined) throw new YangResolveError(`${from.file}: unknown prefix '${prefix}' in '${ref}'`);
    return { module: this.module(modName), name, local: false };
  }

  private lookup(kind: 'groupings' | 'typedefs', ref: string, scope: Scope): Found | undefined {
    const from = scope.module!;
    const { module, name, local } = this.splitRef(ref, from);
    let s: Scope | undefined = local ? scope : module.scope;
    while (s) {
      const stmt = s[kind].get(name);
      if (stmt) return { stmt, scope: s, module };
      s = s.parent;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Data nodes

  /** Resolves the data-definition substatements of `parent` into items, in statement order. */
  private compileItems(parent: Statement, scope: Scope, where: string): Item[] {
    const inner = childScope(parent, scope);
    const parentName = parent.keyword === 'augment' ? stripPrefix((parent.arg ?? '').split('/').pop() ?? '') : parent.arg ?? '';
    const out: Item[] = [];
    for (const s of parent.subs) {
      if (!DATA_KEYWORDS.has(s.keyword)) continue;
      this.compileStatement(s, inner, where, parentName, out);
    }
    return out;
  }

  private compileStatement(s: Statement, scope: Scope, where: string, parentName: string, out: Item[]): void {
    const name = s.arg ?? '';
    const ctx: NodeContext = { parent: parentName, module: scope.module!.name };
    switch (s.keyword) {
      case 'container': {
        const node: ContainerNode = {
          kind: 'container',
          name,
          presence: sub(s, 'presence') !== undefined,
          items: this.compileItems(s, scope, `${where}/${name}`),
        };
        this.onNode(node, ctx);
        out.push(node);
        return;
      }
      case 'list': {
        const keyArg = subArg(s, 'key');
        const node: ListNode = {
          kind: 'list',
          name,
          keys: keyArg ? keyArg.split(/\s+/).filter(Boolean).map(stripPrefix) : [],
          orderedByUser: subArg(s, 'ordered-by') === 'user',
          omitName: false,
          items: this.compileItems(s, scope, `${where}/${name}`),
        };
        this.onNode(node, ctx);
        out.push(node);
        return;
      }
      case 'leaf': {
        const typeStmt = sub(s, 'type');
        if (!typeStmt) throw new YangResolveError(`${scope.module!.file}:${s.line}: leaf ${name} has no type`);
        const leaf: LeafNode = {
          kind: 'leaf',
          name,
          type: finalizeType(this.resolveType(typeStmt, scope)),
          mandatory: subArg(s, 'mandatory') === 'true',
          noKeyword: false,
        };
        const def = subArg(s, 'default');
        if (def !== undefined) leaf.default = def;
        this.onNode(leaf, ctx);
        out.push(leaf);
        return;
      }
      case 'leaf-list': {
        const typeStmt = sub(s, 'type');
        if (!typeStmt) throw new YangResolveError(`${scope.module!.file}:${s.line}: leaf-list ${name} has no type`);
        const ll: DataNode = { kind: 'leaf-list', name, type: finalizeType(this.resolveType(typeStmt, scope)), orderedByUser: subArg(s, 'ordered-by') === 'user' };
        this.onNode(ll, ctx);
        out.push(ll);
        return;
      }
      case 'choice':
      case 'case': {
        // Flattened into the parent. A choice may hold cases or, in shorthand, data nodes directly.
        const inner = childScope(s, scope);
        for (const c of s.subs) if (DATA_KEYWORDS.has(c.keyword)) this.compileStatement(c, inner, where, parentName, out);
        return;
      }
      case 'uses':
        this.compileUses(s, scope, where, out);
        return;
      case 'anydata':
      case 'anyxml':
        this.warn(`${scope.module!.file}:${s.line}: ${s.keyword} ${name} skipped`);
        return;
    }
  }

  private compileUses(s: Statement, scope: Scope, where: string, out: Item[]): void {
    const ref = s.arg ?? '';
    const found = this.lookup('groupings', ref, scope);
    if (!found) throw new YangResolveError(`${scope.module!.file}:${s.line}: grouping '${ref}' not found`);
    const def = this.groupingDef(found);
    const refines = s.subs.filter((x) => x.keyword === 'refine');
    const augments = s.subs.filter((x) => x.keyword === 'augment');
    if (refines.length === 0 && augments.length === 0) {
      out.push({ kind: 'ref', def });
      return;
    }
    // A refined/augmented use gets its own copy of the grouping's top level; deeper levels are
    // copied only along the refined paths (ownChild), so unrelated parts stay shared.
    const items: Item[] = [...def.items];
    for (const r of refines) {
      const target = this.descend(items, r.arg ?? '', scope, `refine in ${where}`);
      applyRefine(target, r);
    }
    for (const a of augments) {
      const target = this.descend(items, a.arg ?? '', scope, `augment in ${where}`);
      if (!hasItems(target)) throw new YangResolveError(`${scope.module!.file}:${a.line}: augment target ${a.arg} is not a container or list`);
      target.items.push(...this.compileItems(a, scope, `${where}/${a.arg}`));
    }
    out.push(...items);
  }

  /** The (owned) node at a descendant schema path like `a/b` or `/p:a/p:b`. */
  private descend(items: Item[], path: string, scope: Scope, what: string): DataNode {
    const segs = path.split('/').filter(Boolean).map(stripPrefix);
    let cur = items;
    let node: DataNode | undefined;
    for (const seg of segs) {
      node = ownChild(cur, seg);
      if (!node) throw new YangResolveError(`${scope.module!.file}: ${what}: '${path}' not found (at '${seg}')`);
      cur = hasItems(node) ? node.items : [];
    }
    if (!node) throw new YangResolveError(`${scope.module!.file}: ${what}: empty path`);
    return node;
  }

  private groupingDef(found: Found): Def {
    const cached = this.groupingDefs.get(found.stmt);
    if (cached) return cached;
    if (this.compiling.has(found.stmt)) {
      throw new YangResolveError(`${found.module.file}:${found.stmt.line}: grouping ${found.stmt.arg} uses itself`);
    }
    this.compiling.add(found.stmt);
    const origin = `${found.module.name}:${found.stmt.arg}`;
    const def: Def = { items: this.compileItems(found.stmt, found.scope, origin), origin };
    this.compiling.delete(found.stmt);
    this.groupingDefs.set(found.stmt, def);
    return def;
  }

  /**
   * Builds the configuration tree: the data nodes of `rootModule`'s container `rootContainer`,
   * with every module's top-level `augment`s applied, in the order the modules were added.
   */
  buildTree(rootModuleName: string, rootContainer: string): ContainerNode {
    const rootMod = this.module(rootModuleName);
    // Top-level data nodes of every module, so augments can target any of them.
    const tops = new Map<YangModule, Item[]>();
    const topsOf = (m: YangModule): Item[] => {
      let t = tops.get(m);
      if (!t) {
        t = this.compileItems(m.stmt, m.scope, m.name);
        tops.set(m, t);
      }
      return t;
    };
    for (const m of this.modules.values()) {
      for (const a of m.stmt.subs.filter((s) => s.keyword === 'augment')) {
        const path = a.arg ?? '';
        const segs = path.split('/').filter(Boolean);
        if (!path.startsWith('/') || segs.length === 0) throw new YangResolveError(`${m.file}:${a.line}: augment path must be absolute: ${path}`);
        const first = this.splitRef(segs[0]!, m);
        let cur = topsOf(first.module);
        let node: DataNode | undefined;
        for (const seg of segs) {
          const { name } = this.splitRef(seg, m);
          node = ownChild(cur, name);
          if (!node) throw new YangResolveError(`${m.file}:${a.line}: augment target ${path} not found (at ${seg})`);
          cur = hasItems(node) ? node.items : [];
        }
        if (!node || !hasItems(node)) throw new YangResolveError(`${m.file}:${a.line}: augment target ${path} is not a container or list`);
        node.items.push(...this.compileItems(a, m.scope, `${m.name}:augment ${path}`));
      }
    }
    const root = flatten(topsOf(rootMod)).find((n) => n.name === rootContainer);
    if (!root || root.kind !== 'container') throw new YangResolveError(`container ${rootContainer} not found in ${rootModuleName}`);
    return root;
  }

  // ---------------------------------------------------------------------------------------------
  // Types

  /** Resolves a `type` statement (with its restrictions) to a value type. */
  resolveType(typeStmt: Statement, scope: Scope): JsonType {
    const name = typeStmt.arg ?? '';
    const bare = stripPrefix(name);
    const isBuiltin = !name.includes(':') && BUILTIN_TYPES.has(name);
    if (isBuiltin) return this.builtinType(bare, typeStmt, scope);

    const found = this.lookup('typedefs', name, scope);
    if (!found) throw new YangResolveError(`${scope.module!.file}:${typeStmt.line}: type '${name}' not found`);
    let base: JsonType;
    const named = found.module.name === NAMED_TYPES_MODULE ? NAMED_TYPES[found.stmt.arg ?? ''] : undefined;
    if (named) {
      base = named;
    } else {
      let cached = this.typedefTypes.get(found.stmt);
      if (!cached) {
        const inner = sub(found.stmt, 'type');
        if (!inner) throw new YangResolveError(`${found.module.file}:${found.stmt.line}: typedef ${found.stmt.arg} has no type`);
        cached = this.resolveType(inner, found.scope);
        this.typedefTypes.set(found.stmt, cached);
      }
      base = cached;
    }
    return this.restrict(base, typeStmt, scope);
  }

  /** Applies restrictions written under a derived `type` statement to its base type. */
  private restrict(base: JsonType, typeStmt: Statement, scope: Scope): JsonType {
    if (typeStmt.subs.length === 0) return base;
    switch (base.base) {
      case 'integer':
      case 'decimal': {
        const range = subArg(typeStmt, 'range');
        if (range === undefined) return base;
        return { base: base.base, ranges: parseRanges(range, base.ranges, scope.module!.file) };
      }
      case 'string': {
        const t = this.stringType(typeStmt, scope);
        if (t.base !== 'string') return t;
        return {
          base: 'string',
          ...(t.length ?? base.length ? { length: t.length ?? base.length } : {}),
          ...(t.pattern ?? base.pattern ? { pattern: t.pattern ?? base.pattern } : {}),
          ...(t.patternMessage ?? base.patternMessage ? { patternMessage: t.patternMessage ?? base.patternMessage } : {}),
        };
      }
      default:
        return base;
    }
  }

  private builtinType(name: string, typeStmt: Statement, scope: Scope): JsonType {
    const file = scope.module!.file;
    const bounds = INTEGER_BOUNDS[name];
    if (bounds) {
      const range = subArg(typeStmt, 'range');
      return { base: 'integer', ranges: range === undefined ? [bounds] : parseRanges(range, [bounds], file) };
    }
    switch (name) {
      case 'decimal64': {
        const fd = Number(subArg(typeStmt, 'fraction-digits') ?? '1');
        const range = subArg(typeStmt, 'range');
        const lim = decimalLimit(fd);
        const whole: NumericRange = { min: '-' + lim, max: lim };
        return { base: 'decimal', ranges: range === undefined ? [] : parseRanges(range, [whole], file) };
      }
      case 'string':
        return this.stringType(typeStmt, scope);
      case 'boolean':
        return { base: 'boolean' };
      case 'empty':
        return { base: 'empty' };
      case 'enumeration': {
        const values = typeStmt.subs.filter((s) => s.keyword === 'enum').map((s) => s.arg ?? '');
        return { base: 'enumeration', values };
      }
      case 'union': {
        const members: JsonType[] = [];
        for (const m of typeStmt.subs.filter((s) => s.keyword === 'type')) {
          const t = this.resolveType(m, scope);
          if (isVariableOnly(t)) continue;
          if (t.base === 'union') members.push(...t.members);
          else members.push(t);
        }
        if (members.length === 0) return { base: 'string' };
        if (members.length === 1) return members[0]!;
        return { base: 'union', members };
      }
      case 'bits':
      case 'binary':
      case 'leafref':
      case 'identityref':
      case 'instance-identifier':
        this.warn(`${file}:${typeStmt.line}: type ${name} treated as string`);
        return { base: 'string' };
    }
    throw new YangResolveError(`${file}:${typeStmt.line}: unsupported built-in type ${name}`);
  }

  private stringType(typeStmt: Statement, scope: Scope): JsonType {
    const length = subArg(typeStmt, 'length');
    // Junos extensions: a POSIX pattern and its error message, under the prefix this module
    // gave junos-common-ddl-extensions.
    const extPrefix = [...scope.module!.imports].find(([, m]) => m === 'junos-common-ddl-extensions')?.[0];
    let pattern: string | undefined;
    let patternMessage: string | undefined;
    if (extPrefix !== undefined) {
      pattern = subArg(typeStmt, `${extPrefix}:posix-pattern`);
      patternMessage = subArg(typeStmt, `${extPrefix}:pattern-message`);
    }
    if (pattern === undefined) {
      const patterns = typeStmt.subs.filter((s) => s.keyword === 'pattern' && s.arg !== undefined);
      // YANG patterns (XSD regexes) are anchored at both ends; write them as an anchored POSIX ERE.
      const usable = patterns.filter((p) => p.arg !== VARIABLE_PATTERN);
      if (usable.length > 0) pattern = `^(${usable[0]!.arg})$`;
      if (usable.length > 1) this.warn(`${scope.module!.file}:${typeStmt.line}: only the first of ${usable.length} patterns kept`);
      if (patterns.length > 0 && usable.length === 0) {
        // Only the variable pattern: mark so a union drops this member.
        return { base: 'string', pattern: VARIABLE_PATTERN };
      }
    }
    return {
      base: 'string',
      ...(length !== undefined ? { length: parseRanges(length, [{ min: '0', max: '18446744073709551615' }], scope.module!.file) } : {}),
      ...(pattern !== undefined ? { pattern } : {}),
      ...(patternMessage !== undefined ? { patternMessage } : {}),
    };
  }
}

const BUILTIN_TYPES = new Set([
  'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'decimal64', 'string', 'boolean', 'empty',
  'enumeration', 'union', 'bits', 'binary', 'leafref', 'identityref', 'instance-identifier',
]);

function isVariableOnly(t: JsonType): boolean {
  return t.base === 'string' && t.pattern === VARIABLE_PATTERN;
}

/** Removes the variable-only marker from a type that ended up standing alone (not in a union). */
export function finalizeType(t: JsonType): JsonType {
  if (isVariableOnly(t)) return { base: 'string' };
  return t;
}

function stripPrefix(name: string): string {
  const c = name.indexOf(':');
  return c < 0 ? name : name.slice(c + 1);
}

/** The scope for the substatements of `stmt`: a new level if it defines groupings or typedefs. */
function childScope(stmt: Statement, scope: Scope): Scope {
  if (!stmt.subs.some((s) => s.keyword === 'grouping' || s.keyword === 'typedef')) return scope;
  const inner: Scope = { module: scope.module, groupings: new Map(), typedefs: new Map(), parent: scope };
  collectDefinitions(stmt, inner);
  return inner;
}

function collectDefinitions(stmt: Statement, scope: Scope): void {
  for (const s of stmt.subs) {
    if (s.arg === undefined) continue;
    if (s.keyword === 'grouping') scope.groupings.set(s.arg, s);
    else if (s.keyword === 'typedef') scope.typedefs.set(s.arg, s);
  }
}

function applyRefine(target: DataNode, r: Statement): void {
  for (const s of r.subs) {
    switch (s.keyword) {
      case 'default':
        if (target.kind === 'leaf' && s.arg !== undefined) target.default = s.arg;
        break;
      case 'mandatory':
        if (target.kind === 'leaf') target.mandatory = s.arg === 'true';
        break;
      case 'presence':
        if (target.kind === 'container') target.presence = true;
        break;
      // description, must, config, min/max-elements, if-feature...: not part of our schema.
    }
  }
}

function decimalLimit(fractionDigits: number): string {
  const digits = '9223372036854775807';
  const fd = Math.max(1, Math.min(18, fractionDigits));
  return digits.slice(0, digits.length - fd) + '.' + digits.slice(digits.length - fd);
}

/**
 * Parses a YANG range/length expression ("1 .. 10 | 20 | max") into ranges; `min`/`max` refer
 * to the bounds of the base type (`base`).
 */
export function parseRanges(expr: string, base: readonly NumericRange[], file = '<input>'): NumericRange[] {
  const lo = base.length ? base[0]!.min : '-9223372036854775808';
  const hi = base.length ? base[base.length - 1]!.max : '18446744073709551615';
  const bound = (s: string): string => {
    const t = s.trim();
    if (t === 'min') return lo;
    if (t === 'max') return hi;
    if (!/^[-+]?\d+(\.\d+)?$/.test(t)) throw new YangResolveError(`${file}: bad range bound '${t}' in '${expr}'`);
    return t.replace(/^\+/, '');
  };
  return expr.split('|').map((part) => {
    const [a, b] = part.split('..');
    const min = bound(a ?? '');
    return { min, max: b === undefined ? min : bound(b) };
  });
}

/** Every data node of the tree in depth-first order, with its YANG path (defs expanded; for analysis/tests). */
export function* walkTree(items: readonly Item[], path = '', depth = 64): Generator<{ node: DataNode; path: string }> {
  if (depth <= 0) return;
  for (const n of flatten(items)) {
    const p = path ? `${path} ${n.name}` : n.name;
    yield { node: n, path: p };
    if (hasItems(n)) yield* walkTree(n.items, p, depth - 1);
  }
}
