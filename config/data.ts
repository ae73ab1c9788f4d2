/**
 * Configuration data: a plain, JSON-serialisable tree shaped by the schema. Plain data so that
 * a candidate is a structuredClone of the active configuration, a rollback is a stored copy,
 * and `--state` writes it as it is.
 *
 * Child names are schema keywords (never user input); list entries keep insertion order, which
 * is the order Junos shows for `ordered-by user` lists and a stable order for the others.
 */
export interface DataContainer {
  readonly t: 'c';
  readonly ch: Record<string, DataNode>;
  /** `deactivate`d: kept and shown with `inactive:`, ignored by commit. */
  ia?: true;
  /** Configured itself (`set system services ssh`), so it stays when its last child goes. */
  p?: true;
}

export interface DataListEntry {
  readonly k: string[];
  readonly b: DataContainer;
}

export interface DataList {
  readonly t: 'l';
  readonly e: DataListEntry[];
}

export interface DataLeaf {
  readonly t: 'v';
  v: string;
  ia?: true;
}

export interface DataLeafList {
  readonly t: 'vs';
  readonly v: string[];
  ia?: true;
}

export type DataNode = DataContainer | DataList | DataLeaf | DataLeafList;

export function emptyContainer(): DataContainer {
  return { t: 'c', ch: {} };
}

export function cloneTree(tree: DataContainer): DataContainer {
  return structuredClone(tree);
}

export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Entries of each list by their keys, so a lookup does not scan the list (a configuration with
 * 10,000 gateways and VPNs made loading and commit checks quadratic). Keyed by the entries array
 * itself: a cloned tree gets fresh arrays and builds its own index on first use. Lists change only
 * through `appendEntry` / `removeEntryAt`, which keep the index; the size check rebuilds it if
 * anything else ever changed an array.
 */
const entryIndex = new WeakMap<readonly DataListEntry[], Map<string, DataListEntry>>();

function keyOf(keys: readonly string[]): string {
  return keys.length === 1 ? keys[0]! : keys.join('\u0000');
}

function indexOf(list: DataList): Map<string, DataListEntry> {
  let index = entryIndex.get(list.e);
  if (!index || index.size !== list.e.length) {
    index = new Map();
    for (const e of list.e) index.set(keyOf(e.k), e);
    entryIndex.set(list.e, index);
  }
  return index;
}

export function findEntry(list: DataList, keys: readonly string[]): DataListEntry | undefined {
  return indexOf(list).get(keyOf(keys));
}

/** Add an entry at the end of a list (its keys must not be there yet). */
export function appendEntry(list: DataList, entry: DataListEntry): void {
  const index = indexOf(list);
  list.e.push(entry);
  index.set(keyOf(entry.k), entry);
}

/** Remove the entry at position `i`. */
export function removeEntryAt(list: DataList, i: number): void {
  const index = indexOf(list);
  const [gone] = list.e.splice(i, 1);
  if (gone) index.delete(keyOf(gone.k));
}

/** True when two trees hold the same configuration (order of list entries included). */
export function sameTree(a: DataContainer, b: DataContainer): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
