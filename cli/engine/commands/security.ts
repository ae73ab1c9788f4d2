/**
 * `show security ike …`, `show security ipsec …`, `clear security ike|ipsec …`.
 *
 * IKE views come from the device's IKE daemon (chassis/net/ike-host.ts); where no daemon runs
 * the IKE commands answer as Junos does when the subsystem is not running. IPsec SA lists and
 * statistics show manual tunnels and IKE-negotiated ones together.
 */
import type { Device } from '../../../chassis/device.js';
import type { IkeDaemon } from '../../../ike/ports.js';
import type { IpsecTunnelView } from '../../../ike/status.js';
import { addressFromText, addressToText } from '../../../dataplane/packet/address.js';
import { failure, keyword, output, positional, uintValue, type CommandNode, type CommandOutput, type Invocation, type ValueSpec } from '../grammar.js';
import { IKE_TUNNEL_MAP_SPC3_ERROR, renderIkeSas, renderIkeSasDetail, renderIkeTunnelMap, renderIkeTunnelMapSummary, renderInactiveTunnels, selectIkeSas } from '../render/show-ike.js';
import { renderIpsecSas, renderIpsecSasDetailAll, renderIpsecStatistics } from '../render/show-ipsec.js';
import { renderTunnelDistribution, renderTunnelDistributionSummary, selectByLocation } from '../render/show-tunnel-distribution.js';
import type { CommandContext } from './context.js';

type SlotSpec = (help?: string) => ReturnType<typeof uintValue>;

/** An IPv4 or IPv6 address (the peer of an IKE SA), normalised as Junos prints it. */
function peerAddressValue(): ValueSpec<string> {
  return {
    name: 'peer-address',
    help: 'IP address of the IKE peer',
    parse: (token) => {
      const a = addressFromText(token);
      return a.ok ? { value: addressToText(a.value) } : { error: `invalid IP address: ${token}` };
    },
  };
}

const indexOption = (help: string): CommandNode => keyword('index', help, { value: uintValue('index', 'Index', 1, 4294967295) });
const pic = (): CommandNode => keyword('pic', 'PIC of the SPU', { value: uintValue('pic', 'PIC of the SPU', 0, 3) });

/** The daemon, or the Junos answer when the key management subsystem is not running. */
/**
 * Let what is in flight finish first: a daemon being (re)started, SA installs on the SPU threads
 * (the CLI waits for the daemon's RPC answer, which comes after them).
 */
async function settle(ctx: CommandContext, dev: Device): Promise<void> {
  await ctx.topology.ike(dev).settled();
  await ctx.topology.network.runFor(0);
}

async function daemonOf(ctx: CommandContext, dev: Device): Promise<IkeDaemon | CommandOutput> {
  await settle(ctx, dev);
  const d = ctx.topology.ike(dev).daemon;
  if (d) return d;
  const sub = dev.ikeDaemon.daemon === 'kmd' || (dev.ikeDaemon.daemon === null && !dev.cards().some((c) => c.type === 'spc3')) ? 'ipsec-key-management' : 'ike-key-management';
  return failure(`the ${sub} subsystem is not running`);
}

const isOutput = (x: IkeDaemon | CommandOutput): x is CommandOutput => 'lines' in x;

export function clearCommand(ctx: CommandContext): CommandNode {
  const dev = (): Device => ctx.topology.current;
  const clearIke = async (inv: Invocation): Promise<CommandOutput> => {
    const d = await daemonOf(ctx, dev());
    if (isOutput(d)) return d;
    const peer = inv.args.get('peer-address') as string | undefined;
    const index = inv.args.get('index') as number | undefined;
    d.clearIke({ ...(peer !== undefined ? { peer } : {}), ...(index !== undefined ? { index } : {}) });
    return output([]);
  };
  const clearIpsec = async (inv: Invocation): Promise<CommandOutput> => {
    const d = await daemonOf(ctx, dev());
    if (isOutput(d)) return d;
    const index = inv.args.get('index') as number | undefined;
    d.clearIpsec(index !== undefined ? { index } : {});
    return output([]);
  };
  return keyword('clear', 'Clear information in the system', {
    children: [
      keyword('security', 'Clear security information', {
        children: [
          keyword('ike', 'Clear IKE information', {
            children: ['security-associations', 'sa'].map((word) =>
              keyword(word, 'Clear IKE security associations', {
                hidden: word === 'sa',
                run: clearIke,
                optionsAnyOrder: true,
                children: [positional(peerAddressValue()), indexOption('Index of the IKE security association')],
              }),
            ),
          }),
          keyword('ipsec', 'Clear IPsec information', {
            children: [
              ...['security-associations', 'sa'].map((word) =>
                keyword(word, 'Clear IPsec security associations', {
                  hidden: word === 'sa',
                  run: clearIpsec,
                  optionsAnyOrder: true,
                  children: [indexOption('Index of the tunnel')],
                }),
              ),
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
  });
}

export function showSecurityCommand(ctx: CommandContext, slotSpec: SlotSpec): CommandNode {
  return keyword('security', 'Show security information', {
    children: [
      keyword('ike', 'Show Internet Key Exchange information', {
        children: [
          ...['security-associations', 'sa'].map((word) =>
            keyword(word, 'Show IKE security associations', {
              hidden: word === 'sa',
              run: (inv) => showIkeSas(ctx, inv),
              optionsAnyOrder: true,
              children: [
                positional(peerAddressValue()),
                keyword('brief', 'Display brief output (default)'),
                keyword('detail', 'Display detailed output'),
                indexOption('Index of the IKE security association'),
                keyword('fpc', 'FPC slot of the anchor SPU', { value: slotSpec('FPC slot of the anchor SPU') }),
                pic(),
              ],
            }),
          ),
          keyword('tunnel-map', 'Show the SPU each IKE gateway is anchored on (SPC2 only)', {
            run: (inv) => showTunnelMap(ctx, inv),
            optionsAnyOrder: true,
            children: [keyword('summary', 'Show the tunnel load of each SPU')],
          }),
        ],
      }),
      keyword('ipsec', 'Show IPsec information', {
        children: [
          keyword('inactive-tunnels', 'Show tunnels with no SA pair up', { run: () => showInactive(ctx) }),
          ...['security-associations', 'sa'].map((word) =>
            // `sa` is the short form Junos also accepts; it stays out of `?`.
            keyword(word, 'Show IPsec security associations', {
              hidden: word === 'sa',
              run: (inv) => showSas(ctx, inv),
              optionsAnyOrder: true,
              children: [keyword('detail', 'Display detailed output'), indexOption('Index of the tunnel')],
            }),
          ),
          keyword('statistics', 'Show IPsec statistics', {
            run: (inv) => showIpsecStatistics(ctx, inv),
            optionsAnyOrder: true,
            children: [keyword('fpc', 'FPC slot of the SPU', { value: slotSpec('FPC slot of the SPU') }), pic(), indexOption('Index of the tunnel')],
          }),
          keyword('tunnel-distribution', 'Show the SPU and flow thread each tunnel is anchored on', {
            run: (inv) => showDistribution(ctx, inv),
            optionsAnyOrder: true,
            children: [
              keyword('summary', 'Show the number of tunnels per flow thread'),
              keyword('fpc', 'FPC slot of the SPU', { value: slotSpec('FPC slot of the SPU') }),
              pic(),
            ],
          }),
        ],
      }),
    ],
  });
}

function location(inv: Invocation): { fpc?: number; pic?: number } | CommandOutput {
  const fpc = inv.args.get('fpc') as number | undefined;
  const pic = inv.args.get('pic') as number | undefined;
  if ((fpc === undefined) !== (pic === undefined)) return failure('give both fpc and pic to select an SPU');
  return { ...(fpc !== undefined ? { fpc } : {}), ...(pic !== undefined ? { pic } : {}) };
}

async function showIkeSas(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  if (inv.words.has('brief') && inv.words.has('detail')) return failure("'brief' and 'detail' cannot be used together");
  const at = location(inv);
  if ('lines' in at) return at;
  const d = await daemonOf(ctx, ctx.topology.current);
  if (isOutput(d)) return d;
  const peer = inv.args.get('peer-address') as string | undefined;
  const index = inv.args.get('index') as number | undefined;
  const sas = selectIkeSas(d.ikeSas(), { ...at, ...(peer !== undefined ? { peerAddress: peer } : {}), ...(index !== undefined ? { index } : {}) });
  return output(inv.words.has('detail') ? renderIkeSasDetail(sas) : renderIkeSas(sas));
}

function spc3Installed(dev: Device): boolean {
  return dev.cards().some((c) => c.type === 'spc3' && c.state !== 'present');
}

async function showTunnelMap(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  const dev = ctx.topology.current;
  // Seed: the command "is not valid in an environment where SPC2 and SPC3 cards are installed".
  if (spc3Installed(dev)) return { lines: [IKE_TUNNEL_MAP_SPC3_ERROR], error: true };
  const d = await daemonOf(ctx, dev);
  if (isOutput(d)) return d;
  const tunnels = ctx.topology.tunnels(dev);
  return output(inv.words.has('summary') ? renderIkeTunnelMapSummary(tunnels.tunnelMapSummary()) : renderIkeTunnelMap(tunnels.tunnelMap()));
}

async function showDistribution(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  const at = location(inv);
  if ('lines' in at) return at;
  await settle(ctx, ctx.topology.current);
  const tunnels = ctx.topology.tunnels(ctx.topology.current);
  return output(
    inv.words.has('summary')
      ? renderTunnelDistributionSummary(selectByLocation(tunnels.tunnelDistributionSummary(), at.fpc, at.pic))
      : renderTunnelDistribution(selectByLocation(tunnels.tunnelDistribution(), at.fpc, at.pic)),
  );
}

async function showInactive(ctx: CommandContext): Promise<CommandOutput> {
  const d = await daemonOf(ctx, ctx.topology.current);
  if (isOutput(d)) return d;
  return output(renderInactiveTunnels(d.inactiveTunnels()));
}

/** The IKE tunnels the daemon reports (none without a daemon). */
async function ikeTunnels(ctx: CommandContext, dev: Device): Promise<IpsecTunnelView[]> {
  await settle(ctx, dev);
  return ctx.topology.ike(dev).daemon?.tunnels() ?? [];
}

const engineText = (engine: string): string => (engine === 'native' ? 'hardware' : 'software');

async function showSas(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  const dev = ctx.topology.current;
  const tunnels = ctx.topology.tunnels(dev);
  const index = inv.args.get('index') as number | undefined;
  const list = tunnels.list().filter((t) => index === undefined || t.id === index);
  const ike = (await ikeTunnels(ctx, dev)).filter((t) => index === undefined || t.id === index);
  if (inv.words.has('detail')) {
    const ikeEngine = (t: IpsecTunnelView): string => {
      const inbound = t.sas.find((s) => s.direction === 'inbound');
      const pair = inbound ? tunnels.ikePair(inbound.spi) : undefined;
      return engineText(pair?.engine ?? 'software');
    };
    return output(renderIpsecSasDetailAll(dev, list, (t) => engineText(t.engine), ike, ikeEngine));
  }
  return output(renderIpsecSas(dev, list, ike));
}

async function showIpsecStatistics(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  const dev = ctx.topology.current;
  await settle(ctx, dev);
  const tunnels = ctx.topology.tunnels(dev);
  const index = inv.args.get('index') as number | undefined;
  if (index !== undefined) {
    const t = tunnels.list().find((x) => x.id === index);
    if (t) return output(renderIpsecStatistics(tunnels.countersOf(t)));
    const ike = tunnels.ikePairList().some((p) => p.sa.tunnelId === index) || (await ikeTunnels(ctx, dev)).some((v) => v.id === index);
    if (!ike) return failure(`no IPsec tunnel with index ${index}`);
    const ts = tunnels.tsCheckFails({ tunnelId: index });
    const c = tunnels.ikeTunnelCounters(index);
    c.discarded += ts;
    return output(renderIpsecStatistics(c, ts));
  }
  const at = location(inv);
  if ('lines' in at) return at;
  const spu = at.fpc === undefined ? undefined : { slot: at.fpc, pic: at.pic! };
  return output(renderIpsecStatistics(tunnels.totals(spu), tunnels.tsCheckFails(spu ? { spu } : {})));
}
