/**
 * The configuration schema at run time: config/schema/junos-schema.json (generated from the
 * Junos YANG models by tools/gen-schema.ts) wrapped in objects implementing ./types.ts.
 *
 * The file shares groupings between the places that use them (see ./format.ts); nodes are built
 * lazily, on first access to a level's children, so loading costs one JSON.parse.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONTAINER_PRESENCE,
  LEAF_MANDATORY,
  LEAF_NO_KEYWORD,
  LEAFLIST_ORDERED_BY_USER,
  LIST_OMIT_NAME,
  LIST_ORDERED_BY_USER,
  SCHEMA_FORMAT,
  type JsonItem,
  type JsonNode,
  type JsonType,
  type SchemaFile,
} from './format.js';
import { enumHelpFor, helpFor } from './help-texts.js';
import type { ContainerSchema, LeafListSchema, LeafSchema, ListSchema, SchemaNode, ValueType } from './types.js';

export const SCHEMA_FILE = 'config/schema/junos-schema.json';

/** The folder holding package.json, found by walking up from this module (works from sources and from dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`srx5k: package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function schemaFilePath(): string {
  return join(projectRoot(), SCHEMA_FILE);
}

let loaded: { file: SchemaFile; root: ContainerSchema } | undefined;

/** The root of the configuration schema (`set` at the top level). Loads the JSON once. */
export function schemaRoot(): ContainerSchema {
  if (!loaded) {
    const file = JSON.parse(readFileSync(schemaFilePath(), 'utf8')) as SchemaFile;
    loaded = { file, root: schemaFromFile(file) };
  }
  return loaded.root;
}

/** Where the loaded schema came from (Junos release, YANG revision, modules). */
export function schemaSource(): SchemaFile['source'] {
  schemaRoot();
  return loaded!.file.source;
}

/** Builds a schema root from an already parsed schema file (tests; tools). */
export function schemaFromFile(file: SchemaFile): ContainerSchema {
  if (file.format !== SCHEMA_FORMAT) throw new Error(`srx5k: schema format ${String(file.format)} is not ${SCHEMA_FORMAT}; regenerate it`);
  const ctx = new Context(file);
  return new ContainerNode(ctx, 'configuration', '', false, file.root, true);
}

/**
 * True for a leaf whose value Junos writes without the leaf's name (`security address-book
 * global address A 10.0.0.0/8`: the value belongs to leaf `ip-prefix`). Not part of types.ts.
 */
export function writtenWithoutKeyword(node: SchemaNode): boolean {
  return node instanceof LeafNode && node.noKeyword;
}

class Context {
  private readonly types: (ValueType | undefined)[] = [];
  private readonly flatDefs: (readonly JsonNode[] | undefined)[] = [];

  constructor(readonly file: SchemaFile) {}

  type(index: number): ValueType {
    let t = this.types[index];
    if (!t) {
      const json = this.file.types[index];
      if (!json) throw new Error(`srx5k schema: no type ${index}`);
      t = convertType(json);
      this.types[index] = t;
    }
    return t;
  }

  /** The nodes of an item sequence with def references spliced in. */
  flatten(items: readonly JsonItem[]): readonly JsonNode[] {
    if (!items.some((i) => typeof i === 'number')) return items as readonly JsonNode[];
    const out: JsonNode[] = [];
    for (const it of items) {
      if (typeof it === 'number') out.push(...this.def(it));
      else out.push(it);
    }
    return out;
  }

  private def(id: number): readonly JsonNode[] {
    let f = this.flatDefs[id];
    if (!f) {
      const items = this.file.defs[id];
      if (!items) throw new Error(`srx5k schema: no def ${id}`);
      f = this.flatten(items);
      this.flatDefs[id] = f;
    }
    return f;
  }
}

function convertType(t: JsonType): ValueType {
  switch (t.base) {
    case 'enumeration':
      return { base: 'enumeration', values: t.values.map((name) => ({ name, help: '' })) };
    case 'union':
      return { base: 'union', members: t.members.map(convertType) };
    default:
      return t;
  }
}

/** The type with our help texts on its enumeration values (if we have any for this path). */
function withEnumHelp(t: ValueType, path: string): ValueType {
  const help = enumHelpFor(path);
  if (!help) return t;
  const apply = (x: ValueType): ValueType => {
    if (x.base === 'enumeration') return { base: 'enumeration', values: x.values.map((v) => ({ name: v.name, help: help[v.name] ?? v.help })) };
    if (x.base === 'union') return { base: 'union', members: x.members.map(apply) };
    return x;
  };
  return apply(t);
}

const joinPath = (parent: string, name: string): string => (parent ? `${parent} ${name}` : name);

function makeNode(ctx: Context, spec: JsonNode, parentPath: string): SchemaNode {
  const path = joinPath(parentPath, spec[1]);
  switch (spec[0]) {
    case 'c':
      return new ContainerNode(ctx, spec[1], path, ((spec[3] ?? 0) & CONTAINER_PRESENCE) !== 0, spec[2], false);
    case 'L':
      return new ListNode(ctx, spec, path);
    case 'l':
      return new LeafNode(ctx, spec, path);
    case 'll':
      return new LeafListNode(ctx, spec, path);
  }
}

abstract class Parent {
  private kids: readonly SchemaNode[] | undefined;
  private byName: Map<string, SchemaNode> | undefined;

  protected constructor(
    protected readonly ctx: Context,
    private readonly items: readonly JsonItem[],
    readonly path: string,
  ) {}

  /** All child nodes, keys included. */
  protected allChildren(): readonly SchemaNode[] {
    if (!this.kids) this.kids = this.ctx.flatten(this.items).map((spec) => makeNode(this.ctx, spec, this.path));
    return this.kids;
  }

  children(): readonly SchemaNode[] {
    return this.allChildren();
  }

  child(name: string): SchemaNode | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const c of this.children()) if (!this.byName.has(c.name)) this.byName.set(c.name, c);
    }
    return this.byName.get(name);
  }
}

class ContainerNode extends Parent implements ContainerSchema {
  readonly kind = 'container' as const;
  readonly help: string;

  constructor(
    ctx: Context,
    readonly name: string,
    path: string,
    readonly presence: boolean,
    items: readonly JsonItem[],
    isRoot: boolean,
  ) {
    super(ctx, items, path);
    this.help = isRoot ? '' : helpFor(path);
  }
}

class ListNode extends Parent implements ListSchema {
  readonly kind = 'list' as const;
  readonly name: string;
  readonly help: string;
  readonly omitName: boolean;
  readonly orderedByUser: boolean;
  readonly keyKeywords: readonly string[];
  private readonly keyNames: readonly string[];
  private keyLeaves: readonly LeafSchema[] | undefined;
  private nonKeys: readonly SchemaNode[] | undefined;

  constructor(ctx: Context, spec: Extract<JsonNode, readonly ['L', ...unknown[]]>, path: string) {
    super(ctx, spec[3], path);
    this.name = spec[1];
    this.help = helpFor(path);
    this.keyNames = spec[2];
    const flags = spec[4] ?? 0;
    this.orderedByUser = (flags & LIST_ORDERED_BY_USER) !== 0;
    this.omitName = (flags & LIST_OMIT_NAME) !== 0;
    this.keyKeywords = spec[5] ?? (this.keyNames.length <= 1 ? [] : [...this.keyNames]);
  }

  get keys(): readonly LeafSchema[] {
    if (!this.keyLeaves) {
      const all = this.allChildren();
      this.keyLeaves = this.keyNames.map((k) => {
        const leaf = all.find((c) => c.name === k);
        if (!leaf || leaf.kind !== 'leaf') throw new Error(`srx5k schema: key ${k} of ${this.path} is not a leaf`);
        return leaf;
      });
    }
    return this.keyLeaves;
  }

  override children(): readonly SchemaNode[] {
    if (!this.nonKeys) {
      const keys = new Set(this.keyNames);
      this.nonKeys = this.allChildren().filter((c) => !keys.has(c.name));
    }
    return this.nonKeys;
  }
}

class LeafNode implements LeafSchema {
  readonly kind = 'leaf' as const;
  readonly name: string;
  readonly help: string;
  readonly type: ValueType;
  readonly default?: string;
  readonly mandatory: boolean;
  /** See writtenWithoutKeyword(). */
  readonly noKeyword: boolean;

  constructor(ctx: Context, spec: Extract<JsonNode, readonly ['l', ...unknown[]]>, readonly path: string) {
    this.name = spec[1];
    this.help = helpFor(path);
    this.type = withEnumHelp(ctx.type(spec[2]), path);
    const flags = spec[3] ?? 0;
    this.mandatory = (flags & LEAF_MANDATORY) !== 0;
    this.noKeyword = (flags & LEAF_NO_KEYWORD) !== 0;
    if (spec[4] !== undefined) this.default = spec[4];
  }
}

class LeafListNode implements LeafListSchema {
  readonly kind = 'leaf-list' as const;
  readonly name: string;
  readonly help: string;
  readonly type: ValueType;
  readonly orderedByUser: boolean;

  constructor(ctx: Context, spec: Extract<JsonNode, readonly ['ll', ...unknown[]]>, readonly path: string) {
    this.name = spec[1];
    this.help = helpFor(path);
    this.type = withEnumHelp(ctx.type(spec[2]), path);
    this.orderedByUser = ((spec[3] ?? 0) & LEAFLIST_ORDERED_BY_USER) !== 0;
  }
}

/**
 * Every list Junos writes without its own name, each with one example path (a list inside a
 * shared grouping is reported once, at the first place it is reached). For diagnostics.
 */
export function listsOmittingName(): string[] {
  return scanOnce(schemaRoot(), (n) => n[0] === 'L' && ((n[4] ?? 0) & LIST_OMIT_NAME) !== 0);
}

/** Every leaf whose value is written without the leaf's name (see writtenWithoutKeyword), one example path each. */
export function leavesWithoutKeyword(): string[] {
  return scanOnce(schemaRoot(), (n) => n[0] === 'l' && ((n[3] ?? 0) & LEAF_NO_KEYWORD) !== 0);
}

function scanOnce(root: ContainerSchema, match: (n: JsonNode) => boolean): string[] {
  const file = loaded?.file;
  if (!file || root !== loaded?.root) return [];
  const out: string[] = [];
  const seenDefs = new Set<number>();
  const visit = (items: readonly JsonItem[], path: string): void => {
    for (const it of items) {
      if (typeof it === 'number') {
        if (seenDefs.has(it)) continue;
        seenDefs.add(it);
        visit(file.defs[it]!, path);
        continue;
      }
      const p = joinPath(path, it[1]);
      if (match(it)) out.push(p);
      if (it[0] === 'c') visit(it[2], p);
      else if (it[0] === 'L') visit(it[3], p);
    }
  };
  // `groups` shares the definitions of the top-level hierarchies: visit it last so paths are
  // reported at their top-level place.
  const isGroups = (it: JsonItem): boolean => typeof it !== 'number' && it[1] === 'groups';
  visit(file.root.filter((it) => !isGroups(it)), '');
  visit(file.root.filter(isGroups), '');
  return out;
}
