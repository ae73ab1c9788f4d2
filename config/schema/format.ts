/**
 * The on-disk format of config/schema/junos-schema.json, shared by the generator
 * (tools/gen-schema.ts) and the runtime loader (config/schema/schema.ts).
 *
 * The Junos YANG models reuse groupings heavily; expanding them would make the tree huge. So the
 * file keeps a table of shared child sequences (`defs`, one per distinct resolved grouping) and a
 * node's children are a list of items, each either a node or the number of a def whose items are
 * spliced in at that position. The runtime expands defs lazily, one level at a time.
 *
 * Nodes are arrays to keep the file small (trailing optional elements are left out):
 *   container  ['c', name, items, flags?]                  flags: 1 = presence
 *   list       ['L', name, keys, items, flags?, keyKw?]    flags: 1 = ordered-by user, 2 = omitName
 *   leaf       ['l', name, type, flags?, default?]         flags: 1 = mandatory, 2 = value written without the leaf name
 *   leaf-list  ['ll', name, type, flags?]                  flags: 1 = ordered-by user
 * `type` is an index into `types`. `keyKw` is present only when it is not derivable (see
 * ListSchema.keyKeywords): by default a one-key list has [] and a multi-key list has the key names.
 */
import type { ValueType } from './types.js';

export const SCHEMA_FORMAT = 1;

export type JsonItem = JsonNode | number;

export type JsonContainer = readonly ['c', string, readonly JsonItem[], number?];
export type JsonList = readonly ['L', string, readonly string[], readonly JsonItem[], number?, (readonly string[])?];
export type JsonLeaf = readonly ['l', string, number, number?, string?];
export type JsonLeafList = readonly ['ll', string, number, number?];
export type JsonNode = JsonContainer | JsonList | JsonLeaf | JsonLeafList;

/** A value type as stored: like ValueType, but enumeration values are bare names (help is ours, added at run time). */
export type JsonType =
  | Exclude<ValueType, { base: 'enumeration' } | { base: 'union' }>
  | { readonly base: 'enumeration'; readonly values: readonly string[] }
  | { readonly base: 'union'; readonly members: readonly JsonType[] };

export interface SchemaFile {
  readonly format: typeof SCHEMA_FORMAT;
  /** Where the schema came from. */
  readonly source: {
    readonly models: string;
    /** e.g. '24.4R1.11', from the modules' revision description. */
    readonly junosVersion: string;
    /** YANG revision date of the modules, e.g. '2024-01-01'. */
    readonly revision: string;
    readonly modules: readonly string[];
    readonly generator: string;
  };
  readonly types: readonly JsonType[];
  readonly defs: readonly (readonly JsonItem[])[];
  /** Children of the configuration root. */
  readonly root: readonly JsonItem[];
}

export const CONTAINER_PRESENCE = 1;
export const LIST_ORDERED_BY_USER = 1;
export const LIST_OMIT_NAME = 2;
export const LEAF_MANDATORY = 1;
export const LEAF_NO_KEYWORD = 2;
export const LEAFLIST_ORDERED_BY_USER = 1;
