/** Every name a statement refers to must be defined (config/references.ts lists them). */
import { existingNames, REFERENCES } from '../references.js';
import type { Rule, RuleError, View } from './view.js';

export const referencesRule: Rule = (root) => {
  const errors: RuleError[] = [];
  for (const ref of REFERENCES.filter((r) => r.checked)) {
    const defined = new Set(existingNames(root.node, ref.to));
    const words = ref.from.split(' ');
    visit(root, words, [], (level, leafName, values) => {
      for (const v of values) {
        if (!defined.has(v)) errors.push({ level, statement: `${leafName} ${v}`, message: `Referenced ${ref.noun} ${v} is not defined` });
      }
    });
  }
  return errors;
};

/**
 * Walk a schema path through the data (list levels take each entry) and report the values of
 * the final leaf or leaf-list, with the `[edit …]` level they sit at.
 */
function visit(view: View, words: readonly string[], level: string[], found: (level: string[], leaf: string, values: string[]) => void): void {
  const [head, ...rest] = words;
  if (head === undefined) return;
  if (rest.length === 0) {
    const one = view.leaf(head);
    const many = view.leaves(head);
    const values = one !== undefined ? [one] : many;
    if (values.length > 0) found(level, head, values);
    // A list keyed by the referenced name (`security-zone Z interfaces ge-0/0/0.0`).
    const keyed = view.list(head).map((e) => e.keys[0]!);
    if (keyed.length > 0) found(level, head, keyed);
    return;
  }
  const c = view.c(head);
  if (c) visit(c, rest, [...level, head], found);
  for (const e of view.list(head)) visit(e.view, rest, [...level, head, ...e.keys], found);
}
