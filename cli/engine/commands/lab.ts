/**
 * `lab …`: physical actions no Junos command performs (cards in and out, faults, time, the
 * console, captures, keys). Emulator-only, under one verb so they never collide with Junos.
 */
import { writeFileSync } from 'node:fs';
import { CARD_KINDS, CARD_TYPES, type CardType } from '../../../cards/kinds.js';
import type { Device } from '../../../chassis/device.js';
import { Refusal } from '../../../chassis/refusal.js';
import { espSaLine, ikev2DecryptionLine, uatFileContent, type EspAuthentication, type EspEncryption, type Ikev2Encryption, type Ikev2Integrity } from '../../../dataplane/capture/wireshark-keys.js';
import { enumValue, keyword, output, positional, uintValue, wordValue, type CommandNode, type Invocation } from '../grammar.js';
import type { CommandContext } from './context.js';

export function labCommand(ctx: CommandContext, slotSpec: (help?: string) => ReturnType<typeof uintValue>): CommandNode {
  return keyword('lab', 'Emulator only: physical actions on the lab (not a Junos command)', { children: labCommands(ctx, slotSpec) });
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
        positional(wordValue('file', 'File for the esp_sa table (the IKEv2 table goes to FILE.ikev2)'), {
          run: async (inv) => {
            await ctx.topology.ike(ctx.topology.current).settled();
            return output([writeKeys(ctx, inv.args.get('file') as string)]);
          },
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
            // Time passes for every device of the topology, with packets in flight delivered.
            await ctx.topology.network.runFor((inv.args.get('seconds') as number) * 1000);
            return output([]);
          },
        }),
      ],
    }),
  ];
}

/**
 * `lab keys FILE`: the ESP SAs of the device on the console (manual and IKE-negotiated), one
 * Wireshark `esp_sa` line each, in FILE; with an IKE daemon running, its IKEv2 SAs in
 * `FILE.ikev2` (Wireshark's `ikev2_decryption_table`). SAs Wireshark cannot decrypt are skipped.
 */
function writeKeys(ctx: CommandContext, file: string): string {
  const dev = ctx.topology.current;
  const tunnels = ctx.topology.tunnels(dev);
  // Wireshark's esp_sa table holds ESP SAs only (it checks AH without keys).
  const sas = tunnels.keys().filter((k) => k.vpn.protocol === 'esp');
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
  for (const k of tunnels.ikeKeys()) {
    try {
      lines.push(
        espSaLine({
          source: k.source,
          destination: k.destination,
          spi: k.spi,
          encryption: k.encryption as EspEncryption,
          encryptionKey: k.encryptionKey,
          ...(k.authentication ? { authentication: k.authentication as EspAuthentication, authenticationKey: k.authenticationKey } : {}),
        }),
      );
    } catch {
      // An algorithm Wireshark's table does not list: nothing to write for it.
    }
  }
  const daemon = ctx.topology.ike(dev).daemon;
  const ikeLines: string[] = [];
  for (const k of daemon?.ikeKeys() ?? []) {
    try {
      ikeLines.push(
        ikev2DecryptionLine({
          initiatorSpi: k.initiatorSpi,
          responderSpi: k.responderSpi,
          encryption: k.encryption as Ikev2Encryption,
          integrity: k.integrity as Ikev2Integrity,
          skEi: k.skEi,
          skEr: k.skEr,
          skAi: k.skAi,
          skAr: k.skAr,
        }),
      );
    } catch {
      // Wireshark has no entry for this suite (DES, ChaCha20 in 4.0): skipped.
    }
  }
  try {
    writeFileSync(file, uatFileContent(lines));
    if (daemon) writeFileSync(`${file}.ikev2`, uatFileContent(ikeLines));
  } catch (err) {
    throw new Refusal(`cannot write ${file}: ${(err as Error).message}`);
  }
  const esp = `lab: ${lines.length} ESP SAs written to ${file} (Wireshark esp_sa table)`;
  return daemon ? `${esp}, ${ikeLines.length} IKEv2 SAs to ${file}.ikev2 (ikev2_decryption_table)` : esp;
}
