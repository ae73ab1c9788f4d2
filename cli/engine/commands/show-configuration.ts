/** Operational `show configuration [statement]`: the active configuration (pipes as in configuration mode). */
import { configCanEnd, configCompletions, configHelp } from '../../../config/complete.js';
import { lookup } from '../../../config/edit.js';
import { resolvePath } from '../../../config/path.js';
import { renderCompare, renderCurly, renderSet } from '../../../config/render.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import type { Device } from '../../../chassis/device.js';
import { keyword, type CommandNode } from '../grammar.js';

export function showConfigurationNode(dev: () => Device): CommandNode {
  return keyword('configuration', 'Show current configuration', {
    rest: {
      optional: true,
      help: (words, partial) => configHelp(schemaRoot(), words, partial, [], dev().config.active),
      complete: (words, partial) => configCompletions(schemaRoot(), words, partial, [], dev().config.active),
      canEnd: (words) => configCanEnd(schemaRoot(), words, []),
    },
    run: (inv) => {
      const root = schemaRoot();
      const active = dev().config.active;
      const r = resolvePath(root, inv.rest.map((t) => t.text));
      if (!r.ok) return { lines: ['error: syntax error in statement'], error: true };
      const node = r.path.leaves.length > 0 ? undefined : lookup(active, r.path);
      const last = r.path.steps[r.path.steps.length - 1];
      const level = last ? last.schema : root;
      const tree = node && node.t === 'c' ? node : undefined;
      return {
        lines: tree ? renderCurly(tree, level) : [],
        view: {
          set: () => (tree ? renderSet(tree, level, r.path.words) : []),
          compare: (n) => {
            const base = dev().config.rollbackTree(n ?? 1);
            return base ? renderCompare(base, active, root) : { error: `rollback ${n ?? 1} does not exist` };
          },
        },
      };
    },
  });
}
