/**
 * Changes to a configuration tree: `set`, `delete`, `deactivate`, `activate`. Each takes a
 * resolved statement (config/path.ts) and mutates the given tree — always a candidate, never
 * the active configuration, which only a commit replaces.
 */
import { appendEntry, emptyContainer, findEntry, removeEntryAt, type DataContainer, type DataList, type DataNode } from './data.js';
import { lastLeaf, type LeafValues, type PathStep, type ResolvedPath } from './path.js';

/** Walk to the container that holds the statement's last step, creating levels when asked. */
function descend(root: DataContainer, steps: readonly PathStep[], create: boolean): DataContainer | undefined {
  let cur = root;
  for (const step of steps) {
    const name = step.schema.name;
    if (step.schema.kind === 'container') {
      let next = cur.ch[name];
      if (!next) {
        if (!create) return undefined;
        next = emptyContainer();
        cur.ch[name] = next;
      }
      if (next.t !== 'c') return undefined;
      cur = next;
    } else {
      let list = cur.ch[name] as DataList | undefined;
      if (!list) {
        if (!create) return undefined;
        list = { t: 'l', e: [] };
        cur.ch[name] = list;
      }
      if (!step.keys) return undefined;
      let entry = findEntry(list, step.keys);
      if (!entry) {
        if (!create) return undefined;
        entry = { k: [...step.keys], b: emptyContainer() };
        appendEntry(list, entry);
      }
      cur = entry.b;
    }
  }
  return cur;
}

export function setStatement(root: DataContainer, path: ResolvedPath): void {
  const last = path.steps[path.steps.length - 1];
  if (path.leaves.length === 0 && last && last.schema.kind === 'list' && !last.keys) {
    throw new Error('a list needs its key');
  }
  const holder = descend(root, path.steps, true)!;
  if (path.leaves.length === 0) {
    // A statement that ends on a container configures the container itself (`system services ssh`).
    if (last?.schema.kind === 'container') holder.p = true;
    return;
  }
  for (const leaf of path.leaves) setLeaf(descend(root, path.steps.slice(0, leaf.depth), true)!, leaf);
}

function setLeaf(holder: DataContainer, { schema, values }: LeafValues): void {
  if (schema.kind === 'leaf') {
    holder.ch[schema.name] = { t: 'v', v: values[0] ?? '' };
    return;
  }
  const existing = holder.ch[schema.name];
  if (existing && existing.t === 'vs') {
    for (const v of values) if (!existing.v.includes(v)) existing.v.push(v);
  } else {
    holder.ch[schema.name] = { t: 'vs', v: [...new Set(values)] };
  }
}

/** `replace:` in loaded text: empty the level in place (its position among entries is kept). */
export function clearLevel(root: DataContainer, path: ResolvedPath): void {
  if (path.leaves.length > 0) {
    deleteStatement(root, path);
    return;
  }
  const holder = descend(root, path.steps, true);
  if (holder) for (const k of Object.keys(holder.ch)) delete holder.ch[k];
}

/** Remove the statement; false when there was nothing to remove ("statement not found"). */
export function deleteStatement(root: DataContainer, path: ResolvedPath): boolean {
  if (path.steps.length === 0 && path.leaves.length === 0) {
    const had = Object.keys(root.ch).length > 0;
    for (const k of Object.keys(root.ch)) delete root.ch[k];
    return had;
  }
  const removed = path.leaves.length > 0 ? path.leaves.map((l) => deleteLeaf(root, path.steps.slice(0, l.depth), l)).some(Boolean) : deleteLevel(root, path.steps);
  if (removed) prune(root);
  return removed;
}

function deleteLeaf(root: DataContainer, steps: readonly PathStep[], leaf: LeafValues): boolean {
  const holder = descend(root, steps, false);
  const node = holder?.ch[leaf.schema.name];
  if (!holder || !node) return false;
  if (node.t === 'vs' && leaf.values.length > 0) {
    const before = node.v.length;
    const keep = node.v.filter((v) => !leaf.values.includes(v));
    if (keep.length === before) return false;
    node.v.splice(0, node.v.length, ...keep);
    if (keep.length === 0) delete holder.ch[leaf.schema.name];
    return true;
  }
  if (node.t === 'v' && leaf.values.length > 0 && leaf.values[0] !== '' && node.v !== leaf.values[0]) return false;
  delete holder.ch[leaf.schema.name];
  return true;
}

function deleteLevel(root: DataContainer, steps: readonly PathStep[]): boolean {
  const parent = descend(root, steps.slice(0, -1), false);
  const last = steps[steps.length - 1]!;
  const node = parent?.ch[last.schema.name];
  if (!parent || !node) return false;
  if (last.schema.kind === 'list' && last.keys) {
    const list = node as DataList;
    const entry = findEntry(list, last.keys);
    if (!entry) return false;
    removeEntryAt(list, list.e.indexOf(entry));
    if (list.e.length === 0) delete parent.ch[last.schema.name];
    return true;
  }
  delete parent.ch[last.schema.name];
  return true;
}

/** Containers left empty by a delete go too, unless they were configured themselves. */
function prune(node: DataContainer): void {
  for (const [name, child] of Object.entries(node.ch)) {
    if (child.t === 'c') {
      prune(child);
      if (Object.keys(child.ch).length === 0 && !child.p && !child.ia) delete node.ch[name];
    } else if (child.t === 'l') {
      for (const e of child.e) prune(e.b);
    }
  }
}

/** The data node a statement names (container, list entry body, leaf), if present. */
export function lookup(root: DataContainer, path: ResolvedPath): DataNode | undefined {
  const leaf = lastLeaf(path);
  if (leaf) return descend(root, path.steps.slice(0, leaf.depth), false)?.ch[leaf.schema.name];
  const last = path.steps[path.steps.length - 1];
  if (last && last.schema.kind === 'list' && !last.keys) return descend(root, path.steps.slice(0, -1), false)?.ch[last.schema.name];
  return descend(root, path.steps, false);
}

/** `deactivate` / `activate`: mark a present statement inactive or active again. */
export function setActive(root: DataContainer, path: ResolvedPath, active: boolean): boolean {
  const node = lookup(root, path);
  if (!node || node.t === 'l') return false;
  if (active) delete node.ia;
  else node.ia = true;
  return true;
}
