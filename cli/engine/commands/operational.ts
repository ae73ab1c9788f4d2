/**
 * The operational-mode command tree (`root@host>`). Help texts are ours; keywords are Junos's.
 * The tree is rebuilt for every line, so value ranges always follow the device on the console.
 */
import { writeFileSync } from 'node:fs';
import { CARD_KINDS, CARD_TYPES, type CardType } from '../../../cards/kinds.js';
import { Refusal } from '../../../chassis/refusal.js';
import { espSaLine, uatFileContent, type EspAuthentication, type EspEncryption } from '../../../dataplane/capture/wireshark-keys.js';
import type { Device } from '../../../chassis/device.js';
import { JUNOS_IKE } from '../../../chassis/packages.js';
import { IKE_DAEMON_PROCESSES } from '../../../chassis/processes.js';
import { versionString } from '../../../chassis/release.js';
import type { Topology } from '../../../chassis/topology.js';
import { enumValue, failure, keyword, output, positional, uintValue, wordValue, type CommandNode, type CommandOutput, type Invocation } from '../grammar.js';
import { renderChassisAlarms } from '../render/show-chassis-alarms.js';
import { renderChassisFpc, renderPicStatus } from '../render/show-chassis-fpc.js';
import { renderChassisHardware } from '../render/show-chassis-hardware.js';
import { renderSystemProcesses } from '../render/show-system-processes.js';
import { renderSystemUptime } from '../render/show-system-uptime.js';
import { renderShowVersion } from '../render/show-version.js';
import { renderPing } from '../render/ping.js';
import { renderInterfacesTerse } from '../render/show-interfaces-terse.js';
import { renderIpsecSas, renderIpsecSasDetail, renderIpsecStatistics } from '../render/show-ipsec.js';
import { renderSystemCommit } from '../render/show-system-commit.js';
import { showConfigurationNode } from './show-configuration.js';

export interface CommandContext {
  readonly topology: Topology;
}

export function operationalRoot(ctx: CommandContext): CommandNode {
  return { help: 'operational mode', children: operationalCommands(ctx) };
}

export function operationalCommands(ctx: CommandContext): CommandNode[] {
  const dev = (): Device => ctx.topology.current;
  const d = dev();
  const slotSpec = (help = 'FPC slot number') => uintValue('slot', help, 0, d.model.fpcSlots - 1);
  const slotOf = (inv: Invocation, key = 'slot'): number | undefined => inv.args.get(key) as number | undefined;

  return [
    keyword('clear', 'Clear information in the system', {
      children: [
        keyword('security', 'Clear security information', {
          children: [
            keyword('ipsec', 'Clear IPsec information', {
              children: [
                keyword('statistics', 'Clear IPsec statistics', {
                  run: () => {
                    ctx.topology.tunnels(dev()).clear();
                    return output([]);
                  },
                }),
              ],
            }),
          ],
        }),
      ],
    }),
    keyword('configure', 'Manipulate software configuration information', {
      run: (inv) => enterConfiguration(inv, dev(), 'shared'),
      children: [
        keyword('exclusive', 'Obtain exclusive lock (other users cannot make changes)', { run: (inv) => enterConfiguration(inv, dev(), 'exclusive') }),
        keyword('private', 'Work in private database (other changes are not visible)', { run: (inv) => enterConfiguration(inv, dev(), 'private') }),
      ],
    }),
    keyword('exit', 'Exit the management session', { run: () => ({ lines: [], endSession: true }) }),
    keyword('lab', 'Emulator only: physical actions on the lab (not a Junos command)', { children: labCommands(ctx, slotSpec) }),
    keyword('ping', 'Ping remote target', {
      // `inet` / `inet6` may come before the host (`ping inet6 2001:db8::2`) or among the
      // options after it; without either, an address with ':' is pinged over IPv6 (ping6).
      children: ((): CommandNode[] => {
        const family = (): CommandNode[] => [keyword('inet', 'Force ping to IPv4 destination'), keyword('inet6', 'Force ping to IPv6 destination')];
        const host = (withFamily: boolean): CommandNode =>
          positional(wordValue('host', 'Hostname or IP address of remote host'), {
            run: (inv) => ping(ctx, inv),
            optionsAnyOrder: true,
            children: [
              keyword('count', 'Number of ping requests to send', { value: uintValue('count', 'Number of ping requests to send', 1, 2000000000) }),
              ...(withFamily ? family() : []),
              keyword('interval', 'Delay between ping requests (seconds)', { value: uintValue('interval', 'Delay between ping requests (seconds)', 1, 10000) }),
              keyword('rapid', 'Send requests rapidly (default count of 5)'),
              keyword('size', 'Size of request packets (0..65468 bytes)', { value: uintValue('size', 'Size of request packets', 0, 65468) }),
              keyword('source', 'Source address of echo request', { value: wordValue('source', 'Source address of echo request') }),
              keyword('ttl', 'IP time-to-live value (IPv6 hop-limit value) (hops)', { value: uintValue('ttl', 'IP time-to-live value', 1, 255) }),
              keyword('wait', 'Delay after sending last packet (seconds)', { value: uintValue('wait', 'Delay after sending last packet', 1, 86400) }),
            ],
          });
        return [...family().map((k) => ({ ...k, children: [host(false)] })), host(true)];
      })(),
    }),
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
        keyword('security', 'Show security information', {
          children: [
            keyword('ipsec', 'Show IPsec information', {
              children: [
                keyword('security-associations', 'Show IPsec security associations', {
                  run: (inv) => showSas(ctx, inv),
                  optionsAnyOrder: true,
                  children: [keyword('detail', 'Display detailed output'), keyword('index', 'Index of the tunnel', { value: uintValue('index', 'Tunnel index', 1, 4294967295) })],
                }),
                keyword('sa', 'Show IPsec security associations', {
                  hidden: true,
                  run: (inv) => showSas(ctx, inv),
                  optionsAnyOrder: true,
                  children: [keyword('detail', 'Display detailed output'), keyword('index', 'Index of the tunnel', { value: uintValue('index', 'Tunnel index', 1, 4294967295) })],
                }),
                keyword('statistics', 'Show IPsec statistics', {
                  run: (inv) => showIpsecStatistics(ctx, inv),
                  optionsAnyOrder: true,
                  children: [
                    keyword('fpc', 'FPC slot of the SPU', { value: slotSpec('FPC slot of the SPU') }),
                    keyword('pic', 'PIC of the SPU', { value: uintValue('pic', 'PIC of the SPU', 0, 3) }),
                    keyword('index', 'Index of the tunnel', { value: uintValue('index', 'Tunnel index', 1, 4294967295) }),
                  ],
                }),
              ],
            }),
          ],
        }),
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

function labCommands(ctx: CommandContext, slotSpec: (help?: string) => ReturnType<typeof uintValue>): CommandNode[] {
  const dev = (): Device => ctx.topology.current;
  const cardType = enumValue<CardType>(
    'type',
    'Card type',
    CARD_TYPES.map((t) => ({ name: t, help: `${CARD_KINDS[t].model} (${CARD_KINDS[t].description})` })),
  );
  const portSpec = wordValue('interface', 'Physical interface (xe-0/0/0)', () =>
    dev()
      .cards()
      .filter((c) => c.kind.family === 'ioc' && c.state === 'online')
      .flatMap((c) => c.kind.pics.flatMap((p, pic) => (p.ports && !p.alwaysOffline ? [{ name: `${p.ports.prefix}-${c.slot}/${pic}/0`, help: p.description }] : []))),
  );
  const fileSpec = wordValue('file', 'pcap file to write');
  const capture = (start: boolean) => (inv: Invocation) => {
    const name = ctx.topology.networkName(dev());
    const ifd = inv.args.get('interface') as string;
    const file = inv.args.get('file') as string;
    return output([start ? ctx.topology.captures.start(name, ifd, file) : ctx.topology.captures.stop(name, ifd, file)]);
  };
  return [
    keyword('capture', 'Write the packets of a port to a pcap file', {
      children: [
        keyword('start', 'Start capturing', { children: [positional(portSpec, { children: [positional(fileSpec, { run: capture(true) })] })] }),
        keyword('stop', 'Stop capturing and close the file', { children: [positional(portSpec, { children: [positional(fileSpec, { run: capture(false) })] })] }),
      ],
    }),
    keyword('keys', "Write the SA keys in Wireshark's decryption-table format", {
      children: [
        positional(wordValue('file', 'File for the esp_sa table'), {
          run: (inv) => output([writeKeys(ctx, inv.args.get('file') as string)]),
        }),
      ],
    }),
    keyword('console', 'Move the console to another device of the topology', {
      children: [
        positional(
          wordValue('device', 'Device host name', () => ctx.topology.all().map((x) => ({ name: x.hostname, help: `${x.model.description}` }))),
          {
            run: (inv) => {
              const to = ctx.topology.console(inv.args.get('device') as string);
              inv.session.mode = 'operational';
              inv.session.editPath = [];
              return output([`lab: console on ${to.hostname} (${to.model.description})`]);
            },
          },
        ),
      ],
    }),
    keyword('fail', 'Inject a hardware fault that kills an SPU (or every SPU of a card)', {
      children: [
        keyword('fpc', 'The card', {
          value: slotSpec(),
          run: async (inv) => output(await dev().failSpu(inv.args.get('fpc') as number)),
          children: [
            keyword('pic', 'One SPU of the card', {
              value: uintValue('pic', 'PIC (SPU) number', 0, 3),
              run: async (inv) => output(await dev().failSpu(inv.args.get('fpc') as number, inv.args.get('pic') as number)),
            }),
          ],
        }),
      ],
    }),
    keyword('insert', 'Physically insert a card', {
      children: [
        keyword('fpc', 'Into this FPC slot', {
          value: slotSpec(),
          children: [positional(cardType, { run: (inv) => output(dev().insertCard(inv.args.get('fpc') as number, inv.args.get('type') as CardType)) })],
        }),
      ],
    }),
    keyword('remove', 'Physically pull a card out', {
      children: [keyword('fpc', 'From this FPC slot', { value: slotSpec(), run: async (inv) => output(await dev().removeCard(inv.args.get('fpc') as number)) })],
    }),
    keyword('wait', 'Let time pass on the device clock', {
      children: [
        positional(uintValue('seconds', 'Seconds', 0, 31_536_000), {
          run: async (inv) => {
            const s = inv.args.get('seconds') as number;
            await dev().wait(s);
            return output([]);
          },
        }),
      ],
    }),
  ];
}

/**
 * `ping [inet|inet6] HOST …`. Junos pings until interrupted when no count is given; here a ping
 * without `count` sends 5 requests, like `rapid`. An IPv6 destination (an address with ':', or
 * `inet6`) runs ping6 and prints as it does.
 */
async function ping(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  const stack = ctx.topology.stack(ctx.topology.current);
  const num = (k: string): number | undefined => inv.args.get(k) as number | undefined;
  if (inv.words.has('inet') && inv.words.has('inet6')) return failure('inet and inet6 are mutually exclusive');
  const family = inv.words.has('inet6') ? 'inet6' : inv.words.has('inet') ? 'inet' : undefined;
  const result = await stack.ping({
    host: inv.args.get('host') as string,
    ...(family !== undefined ? { family } : {}),
    count: num('count') ?? 5,
    rapid: inv.words.has('rapid'),
    ...(inv.args.get('source') !== undefined ? { source: inv.args.get('source') as string } : {}),
    ...(num('size') !== undefined ? { size: num('size')! } : {}),
    ...(num('interval') !== undefined ? { interval: num('interval')! } : {}),
    ...(num('wait') !== undefined ? { wait: num('wait')! } : {}),
    ...(num('ttl') !== undefined ? { ttl: num('ttl')! } : {}),
  });
  if ('error' in result) return { lines: [result.error], error: true };
  return output(renderPing(result));
}

/** `lab keys FILE`: the ESP SAs of the device on the console, one Wireshark `esp_sa` line each. */
function writeKeys(ctx: CommandContext, file: string): string {
  // Wireshark's esp_sa table holds ESP SAs only (it checks AH without keys).
  const sas = ctx.topology.tunnels(ctx.topology.current).keys().filter((k) => k.vpn.protocol === 'esp');
  const lines = sas.map((k) =>
    espSaLine({
      source: k.source,
      destination: k.destination,
      spi: k.spi,
      encryption: (k.vpn.encryption?.algorithm ?? 'null') as EspEncryption,
      encryptionKey: k.vpn.encryption?.key ?? new Uint8Array(0),
      ...(k.vpn.authentication ? { authentication: k.vpn.authentication.algorithm as EspAuthentication, authenticationKey: k.vpn.authentication.key } : {}),
    }),
  );
  try {
    writeFileSync(file, uatFileContent(lines));
  } catch (err) {
    throw new Refusal(`cannot write ${file}: ${(err as Error).message}`);
  }
  return `lab: ${lines.length} ESP SAs written to ${file} (Wireshark esp_sa table)`;
}

function showSas(ctx: CommandContext, inv: Invocation): CommandOutput {
  const dev = ctx.topology.current;
  const tunnels = ctx.topology.tunnels(dev);
  const index = inv.args.get('index') as number | undefined;
  const list = tunnels.list().filter((t) => index === undefined || t.id === index);
  if (inv.words.has('detail')) return output(renderIpsecSasDetail(dev, list, (t) => `${t.engine === 'native' ? 'hardware' : 'software'}`));
  return output(renderIpsecSas(dev, list));
}

function showIpsecStatistics(ctx: CommandContext, inv: Invocation): CommandOutput {
  const tunnels = ctx.topology.tunnels(ctx.topology.current);
  const index = inv.args.get('index') as number | undefined;
  if (index !== undefined) {
    const t = tunnels.list().find((x) => x.id === index);
    if (!t) return failure(`no IPsec tunnel with index ${index}`);
    return output(renderIpsecStatistics(tunnels.countersOf(t)));
  }
  const fpc = inv.args.get('fpc') as number | undefined;
  const pic = inv.args.get('pic') as number | undefined;
  if ((fpc === undefined) !== (pic === undefined)) return failure('give both fpc and pic to select an SPU');
  return output(renderIpsecStatistics(tunnels.totals(fpc === undefined ? undefined : { slot: fpc, pic: pic! })));
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
