/**
 * The configuration schema as the rest of srx5k sees it: derived from Juniper's YANG models
 * (../shared/reference/junos-yang) by tools/gen-schema, loaded lazily at run time.
 *
 * Children are in YANG statement order, which is the order Junos prints statements in
 * (`show`, `show | display set`). YANG choice/case levels do not exist on the CLI and are
 * flattened into their parent.
 */
export type SchemaNode = ContainerSchema | ListSchema | LeafSchema | LeafListSchema;

interface SchemaBase {
  readonly name: string;
  /** Short help text in our own words; '' where we have none. */
  readonly help: string;
  /** Space-separated path from the root, e.g. 'security ike gateway'. */
  readonly path: string;
}

export interface ContainerSchema extends SchemaBase {
  readonly kind: 'container';
  /** A presence container means something by merely existing (e.g. `system services ssh`). */
  readonly presence: boolean;
  children(): readonly SchemaNode[];
  child(name: string): SchemaNode | undefined;
}

export interface ListSchema extends SchemaBase {
  readonly kind: 'list';
  /** The key leaves, in order. Most Junos lists have one key (`name`). */
  readonly keys: readonly LeafSchema[];
  /**
   * How an entry is written on the CLI. Single key: `gateway GW1` (list name, then the key
   * value). Several keys: the list name, then `keyword value` per key, e.g. `control-ports fpc
   * 1 port 0`; or, where Junos omits the list name (`security policies from-zone A to-zone B`),
   * `omitName` is true and only the `keyword value` pairs are written.
   */
  readonly keyKeywords: readonly string[];
  readonly omitName: boolean;
  readonly orderedByUser: boolean;
  /** Children other than the keys. */
  children(): readonly SchemaNode[];
  child(name: string): SchemaNode | undefined;
}

export interface LeafSchema extends SchemaBase {
  readonly kind: 'leaf';
  readonly type: ValueType;
  readonly default?: string;
  readonly mandatory: boolean;
  /**
   * Junos writes the value without the leaf's name: `security address-book global address A
   * 10.0.0.0/8` (the prefix is leaf `ip-prefix`).
   */
  readonly noKeyword?: boolean;
}

export interface LeafListSchema extends SchemaBase {
  readonly kind: 'leaf-list';
  readonly type: ValueType;
  readonly orderedByUser: boolean;
}

/** Inclusive numeric range; bounds as decimal strings so 64-bit values stay exact. */
export interface NumericRange {
  readonly min: string;
  readonly max: string;
}

export type ValueType =
  | { readonly base: 'empty' }
  | { readonly base: 'boolean' }
  | { readonly base: 'string'; readonly length?: readonly NumericRange[]; readonly pattern?: string; readonly patternMessage?: string }
  | { readonly base: 'integer'; readonly ranges: readonly NumericRange[] }
  | { readonly base: 'decimal'; readonly ranges: readonly NumericRange[] }
  | { readonly base: 'enumeration'; readonly values: ReadonlyArray<{ readonly name: string; readonly help: string }> }
  | { readonly base: 'union'; readonly members: readonly ValueType[] }
  | {
      readonly base: 'ipv4-address' | 'ipv4-prefix' | 'ipv6-address' | 'ipv6-prefix' | 'ip-address' | 'ip-prefix' | 'interface-name' | 'mac-address';
    };

export type ParsedValue = { readonly value: string } | { readonly error: string };
