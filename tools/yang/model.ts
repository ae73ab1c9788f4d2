/**
 * The generator's intermediate schema tree: resolved YANG data nodes (choice/case already
 * flattened, typedefs resolved) in which a resolved grouping is shared, not copied: a `uses`
 * becomes a reference to a Def whose items are spliced in at that position.
 */
import type { JsonType } from '../../config/schema/format.js';

export interface Def {
  /** Resolved child items of the grouping. */
  items: Item[];
  /** `module:grouping`, for diagnostics. */
  readonly origin: string;
}

export interface DefRef {
  readonly kind: 'ref';
  readonly def: Def;
}

export interface ContainerNode {
  readonly kind: 'container';
  name: string;
  presence: boolean;
  items: Item[];
}

export interface ListNode {
  readonly kind: 'list';
  name: string;
  readonly keys: readonly string[];
  orderedByUser: boolean;
  omitName: boolean;
  /** Set when it differs from the default ([] for one key, the key names for several). */
  keyKeywords?: string[];
  items: Item[];
}

export interface LeafNode {
  readonly kind: 'leaf';
  name: string;
  type: JsonType;
  mandatory: boolean;
  default?: string;
  /** The value is written without the leaf's name (Junos "nokeyword"). */
  noKeyword: boolean;
}

export interface LeafListNode {
  readonly kind: 'leaf-list';
  name: string;
  type: JsonType;
  orderedByUser: boolean;
}

export type DataNode = ContainerNode | ListNode | LeafNode | LeafListNode;
export type Item = DataNode | DefRef;

export const hasItems = (n: DataNode): n is ContainerNode | ListNode => n.kind === 'container' || n.kind === 'list';

/** The data nodes of an item sequence with def references expanded (read-only view). */
export function flatten(items: readonly Item[], out: DataNode[] = []): DataNode[] {
  for (const it of items) {
    if (it.kind === 'ref') flatten(it.def.items, out);
    else out.push(it);
  }
  return out;
}

/**
 * Makes the child `name` of `items` uniquely owned by this item sequence and returns it: def
 * references on the way are spliced in (copied) and the node itself is shallow-copied, so it
 * can be modified without affecting other places that use the same grouping.
 */
export function ownChild(items: Item[], name: string): DataNode | undefined {
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.kind === 'ref') {
      if (flatten(it.def.items).some((n) => n.name === name)) {
        items.splice(i, 1, ...it.def.items);
        i--; // look at the spliced items
      }
      continue;
    }
    if (it.name === name) {
      const copy: DataNode = hasItems(it) ? { ...it, items: [...it.items] } : { ...it };
      items[i] = copy;
      return copy;
    }
  }
  return undefined;
}

/** Follows space-separated YANG names from `items`, owning each node on the way (see ownChild). */
export function ownPath(items: Item[], path: string): DataNode | undefined {
  let cur: Item[] = items;
  let node: DataNode | undefined;
  for (const seg of path.split(' ').filter(Boolean)) {
    node = ownChild(cur, seg);
    if (!node) return undefined;
    if (hasItems(node)) cur = node.items;
    else cur = [];
  }
  return node;
}
