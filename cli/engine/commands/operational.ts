/**
 * The operational-mode command tree (`root@host>`). Help texts are ours; keywords are Junos's.
 * The tree is rebuilt for every line, so value ranges always follow the device on the console.
 */
import type { Device } from '../../../chassis/device.js';
import { JUNOS_IKE } from '../../../chassis/packages.js';
import { IKE_DAEMON_PROCESSES } from '../../../chassis/processes.js';
import { versionString } from '../../../chassis/release.js';
import { keyword, output, positional, uintValue, wordValue, type CommandNode, type CommandOutput, type Invocation } from '../grammar.js';
import { renderChassisAlarms } from '../render/show-chassis-alarms.js';
import { renderChassisFpc, renderPicStatus } from '../render/show-chassis-fpc.js';
import { renderChassisHardware } from '../render/show-chassis-hardware.js';
import { renderSystemProcesses } from '../render/show-system-processes.js';
import { renderSystemUptime } from '../render/show-system-uptime.js';
import { renderShowVersion } from '../render/show-version.js';
import { renderInterfacesTerse } from '../render/show-interfaces-terse.js';
import { renderSystemCommit } from '../render/show-system-commit.js';
import type { CommandContext } from './context.js';
import { labCommand } from './lab.js';
import { pingCommand } from './ping.js';
import { clearCommand, showSecurityCommand } from './security.js';
import { showConfigurationNode } from './show-configuration.js';

export type { CommandContext } from './context.js';

export function operationalRoot(ctx: CommandContext): CommandNode {
  return { help: 'operational mode', children: operationalCommands(ctx) };
}

export function operationalCommands(ctx: CommandContext): CommandNode[] {
  const dev = (): Device => ctx.topology.current;
  const d = dev();
  const slotSpec = (help = 'FPC slot number') => uintValue('slot', help, 0, d.model.fpcSlots - 1);
  const slotOf = (inv: Invocation, key = 'slot'): number | undefined => inv.args.get(key) as number | undefined;

  return [
    clearCommand(ctx),
    keyword('configure', 'Manipulate software configuration information', {
      run: (inv) => enterConfiguration(inv, dev(), 'shared'),
      children: [
        keyword('exclusive', 'Obtain exclusive lock (other users cannot make changes)', { run: (inv) => enterConfiguration(inv, dev(), 'exclusive') }),
        keyword('private', 'Work in private database (other changes are not visible)', { run: (inv) => enterConfiguration(inv, dev(), 'private') }),
      ],
    }),
    keyword('exit', 'Exit the management session', { run: () => ({ lines: [], endSession: true }) }),
    labCommand(ctx, slotSpec),
    pingCommand(ctx),
    keyword('quit', 'Exit the management session', { run: () => ({ lines: [], endSession: true }) }),
    keyword('request', 'Make system-level requests', {
      children: [
        keyword('chassis', 'Perform chassis-specific operations', {
          children: [
            keyword('fpc', 'Change Flexible PIC Concentrator status', {
              children: [
                keyword('slot', 'FPC slot number', {
                  value: slotSpec(),
                  children: [
                    keyword('offline', 'Take the FPC offline', { run: async (inv) => output(await dev().fpcOffline(slotOf(inv)!)) }),
                    keyword('online', 'Bring the FPC online', { run: (inv) => output(dev().fpcOnline(slotOf(inv)!)) }),
                  ],
                }),
              ],
            }),
          ],
        }),
        keyword('system', 'Perform system-level operations', {
          children: [
            keyword('reboot', 'Reboot the system', { run: () => rebootRequest(dev()) }),
            keyword('software', 'Perform system software extension or upgrade', {
              children: [
                keyword('add', 'Add extension or upgrade package', {
                  children: [positional(packageSpec('Package to add'), { run: (inv) => output(dev().addPackage(inv.args.get('package') as string)) })],
                }),
                keyword('delete', 'Remove extension or upgrade package', {
                  children: [positional(packageSpec('Package to remove'), { run: (inv) => output(dev().deletePackage(inv.args.get('package') as string)) })],
                }),
              ],
            }),
          ],
        }),
      ],
    }),
    keyword('restart', 'Restart software process', {
      children: IKE_DAEMON_PROCESSES.map((p) =>
        keyword(p.restartKeyword, p.restartHelp, {
          run: () => output(dev().restartDaemon(p.restartKeyword)),
          optionsAnyOrder: true,
          children: [
            keyword('gracefully', 'Gracefully restart the process'),
            keyword('immediately', 'Immediately restart (SIGKILL) the process'),
            keyword('soft', 'Soft reset (SIGHUP) the process'),
          ],
        }),
      ),
    }),
    keyword('show', 'Show system information', {
      children: [
        keyword('chassis', 'Show chassis information', {
          children: [
            keyword('alarms', 'Show alarm status', { run: () => output(renderChassisAlarms(dev())) }),
            keyword('fpc', 'Show Flexible PIC Concentrator status', {
              run: (inv) => output(inv.words.has('pic-status') ? renderPicStatus(dev(), slotOf(inv)) : renderChassisFpc(dev(), slotOf(inv))),
              optionsAnyOrder: true,
              children: [keyword('pic-status', 'Show PIC status of each FPC'), positional(slotSpec())],
            }),
            keyword('hardware', 'Show installed hardware components', {
              run: (inv) => output(renderChassisHardware(dev(), { models: inv.words.has('models') })),
              optionsAnyOrder: true,
              children: [keyword('models', 'Show FRU model numbers')],
            }),
          ],
        }),
        showConfigurationNode(() => dev()),
        keyword('log', 'Show contents of log files', {
          children: [
            positional(
              wordValue('filename', 'Name of log file', () => ctx.topology.ike(dev()).logs.names().map((n) => ({ name: n, help: 'Log file' }))),
              {
                run: (inv) => {
                  const name = inv.args.get('filename') as string;
                  const lines = ctx.topology.ike(dev()).logs.read(name);
                  return lines === undefined ? { lines: [`error: could not resolve file: ${name}`], error: true } : output(lines);
                },
              },
            ),
          ],
        }),
        keyword('interfaces', 'Show interface information', {
          children: [
            keyword('terse', 'Display terse output', {
              run: () => {
                const stack = ctx.topology.stack(dev());
                const tunnels = ctx.topology.tunnels(dev());
                return output(renderInterfacesTerse(dev(), { interfaces: stack.model.interfaces, portUp: (i) => stack.portUp(i), tunnelUp: (i) => tunnels.up(i) }));
              },
            }),
          ],
        }),
        showSecurityCommand(ctx, slotSpec),
        keyword('system', 'Show system information', {
          children: [
            keyword('commit', 'Show pending commit operations and commit history', { run: () => output(renderSystemCommit(dev())) }),
            keyword('processes', 'Show system process table', { run: () => output(renderSystemProcesses(dev())) }),
            keyword('uptime', 'Show time since the system booted', { run: () => output(renderSystemUptime(dev())) }),
          ],
        }),
        keyword('version', 'Show software process revision levels', { run: () => output(renderShowVersion(dev())) }),
      ],
    }),
  ];
}


function packageSpec(help: string) {
  return wordValue('package', help, () => [{ name: JUNOS_IKE, help: 'IKE and IPsec control plane (iked, ikemd)' }]);
}

function enterConfiguration(inv: Invocation, dev: Device, how: 'shared' | 'private' | 'exclusive'): CommandOutput {
  const dirty = dev.config.isDirty();
  if (how === 'private' && dirty) {
    return { lines: ['error: shared configuration database modified', 'Please use the configure command (or commit or discard the shared changes) first'], error: true };
  }
  inv.session.mode = 'configuration';
  inv.session.editPath = [];
  inv.session.privateCandidate = how === 'private' ? dev.config.privateCopy() : null;
  inv.session.exclusive = how === 'exclusive';
  const lines = how === 'shared' ? [] : ['warning: uncommitted changes will be discarded on exit'];
  lines.push('Entering configuration mode');
  if (dirty && how === 'shared') lines.push('The configuration has been changed but not committed');
  return output(lines);
}

function rebootRequest(dev: Device): CommandOutput {
  return {
    lines: [],
    confirm: {
      question: 'Reboot the system ? [yes,no] (no) ',
      run: async (yes) => {
        if (!yes) return output([]);
        const pid = 10000 + (dev.processes.length * 977 + dev.now()) % 60000;
        const lines = [
          '',
          `*** FINAL System shutdown message from root@${dev.hostname} ***`,
          '',
          'System going down IMMEDIATELY',
          '',
          '',
          'Shutdown NOW!',
          `[pid ${pid}]`,
        ];
        await dev.reboot();
        return output([...lines, '', `--- JUNOS ${versionString(dev.release)} Kernel 64-bit`]);
      },
    },
  };
}
