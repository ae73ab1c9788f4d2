/** `show security ipsec …` and `clear security ipsec statistics`. */
import type { Device } from '../../../chassis/device.js';
import { failure, keyword, output, uintValue, type CommandNode, type CommandOutput, type Invocation } from '../grammar.js';
import { renderIpsecSas, renderIpsecSasDetail, renderIpsecStatistics } from '../render/show-ipsec.js';
import type { CommandContext } from './context.js';

export function clearCommand(ctx: CommandContext): CommandNode {
  const dev = (): Device => ctx.topology.current;
  return keyword('clear', 'Clear information in the system', {
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
  });
}

export function showSecurityCommand(ctx: CommandContext, slotSpec: (help?: string) => ReturnType<typeof uintValue>): CommandNode {
  return keyword('security', 'Show security information', {
    children: [
      keyword('ipsec', 'Show IPsec information', {
        children: [
          ...['security-associations', 'sa'].map((word) =>
            // `sa` is the short form Junos also accepts; it stays out of `?`.
            keyword(word, 'Show IPsec security associations', {
              hidden: word === 'sa',
              run: (inv) => showSas(ctx, inv),
              optionsAnyOrder: true,
              children: [keyword('detail', 'Display detailed output'), keyword('index', 'Index of the tunnel', { value: uintValue('index', 'Tunnel index', 1, 4294967295) })],
            }),
          ),
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
  });
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
