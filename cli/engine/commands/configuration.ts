/**
 * Configuration-mode commands (`root@host#`). This issue provides the mode itself: entering,
 * leaving and `run`; the configuration language (set, delete, edit, show, commit …) is built on
 * the YANG-derived schema in its own issue.
 */
import { keyword, output, type CommandNode } from '../grammar.js';
import { operationalCommands, type CommandContext } from './operational.js';

export function configurationRoot(ctx: CommandContext): CommandNode {
  const leave: CommandNode['run'] = (inv) => {
    inv.session.mode = 'operational';
    inv.session.editPath = [];
    return output(['Exiting configuration mode']);
  };
  return {
    help: 'configuration mode',
    children: [
      keyword('exit', 'Exit from this level', { run: leave, children: [keyword('configuration-mode', 'Exit from configuration mode', { run: leave })] }),
      keyword('quit', 'Quit from this level', { run: leave }),
      keyword('run', 'Run an operational-mode command', {
        // `run` accepts every operational command except the ones that change the session.
        children: operationalCommands(ctx).filter((c) => c.word !== 'configure' && c.word !== 'exit' && c.word !== 'quit'),
      }),
    ],
  };
}
