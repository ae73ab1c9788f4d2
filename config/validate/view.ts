/**
 * A read-only, inactive-aware view of a configuration tree for commit rules: `deactivate`d
 * statements do not exist as far as commit is concerned.
 */
import { findEntry, type DataContainer } from '../data.js';

export class View {
  constructor(readonly node: DataContainer) {}

  /** The container `name`, if configured and active. */
  c(...names: string[]): View | undefined {
    let cur: DataContainer | undefined = this.node;
    for (const n of names) {
      const next: DataContainer['ch'][string] | undefined = cur?.ch[n];
      if (!next || next.t !== 'c' || next.ia) return undefined;
      cur = next;
    }
    return cur ? new View(cur) : undefined;
  }

  /** Active entries of the list `name`. */
  list(name: string): Array<{ keys: readonly string[]; view: View }> {
    const l = this.node.ch[name];
    if (!l || l.t !== 'l') return [];
    return l.e.filter((e) => !e.b.ia).map((e) => ({ keys: e.k, view: new View(e.b) }));
  }

  /** The active entry of list `name` whose keys, joined by spaces, are `key` (an indexed lookup). */
  entry(name: string, key: string): View | undefined {
    const l = this.node.ch[name];
    if (!l || l.t !== 'l' || l.e.length === 0) return undefined;
    const e = findEntry(l, l.e[0]!.k.length === 1 ? [key] : key.split(' '));
    return e && !e.b.ia ? new View(e.b) : undefined;
  }

  /** Value of the active leaf `name` ('' for an empty-type leaf), or undefined. */
  leaf(name: string): string | undefined {
    const l = this.node.ch[name];
    if (!l || l.t !== 'v' || l.ia) return undefined;
    return l.v;
  }

  leaves(name: string): string[] {
    const l = this.node.ch[name];
    if (!l || l.t !== 'vs' || l.ia) return [];
    return [...l.v];
  }

  has(name: string): boolean {
    const n = this.node.ch[name];
    return n !== undefined && !('ia' in n && n.ia);
  }
}

/** Everything a rule may read besides the candidate: what the device is and runs. */
export interface ValidationContext {
  readonly model: string;
  /** The IKE daemon that runs now (commit is checked against the running process). */
  readonly daemon: 'kmd' | 'iked' | null;
  readonly release: string;
  releaseAtLeast(min: string): boolean;
  readonly hasSpc3: boolean;
  readonly hasSpc2: boolean;
}

export interface RuleError {
  readonly level: readonly string[];
  readonly statement: string;
  readonly message: string;
}

export type Rule = (root: View, ctx: ValidationContext) => RuleError[];
