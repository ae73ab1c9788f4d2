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

export function findEntry(list: DataList, keys: readonly string[]): DataListEntry | undefined {
  return list.e.find((e) => sameKeys(e.k, keys));
}

/** True when two trees hold the same configuration (order of list entries included). */
export function sameTree(a: DataContainer, b: DataContainer): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
