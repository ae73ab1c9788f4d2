/**
 * `show chassis hardware [models]`: the inventory with the real column layout (Item 17, Version
 * 9, Part number 13, Serial number 18 characters). SPUs appear as the PICs of their SPC.
 */
import type { Device } from '../../../chassis/device.js';

function row(item: string, version: string, part: string, serial: string, description: string): string {
  return `${item.padEnd(17)}${version.padEnd(9)}${part.padEnd(13)}${serial.padEnd(18)}${description}`.trimEnd();
}

function modelRow(item: string, version: string, part: string, serial: string, model: string): string {
  return `${item.padEnd(17)}${version.padEnd(9)}${part.padEnd(13)}${serial.padEnd(18)}${model}`.trimEnd();
}

export function renderChassisHardware(dev: Device, opts: { models?: boolean } = {}): string[] {
  const m = dev.model;
  const re = dev.reKind;
  if (opts.models) {
    const lines = ['Hardware inventory:', 'Item             Version  Part number  Serial number     FRU model number'];
    lines.push(modelRow('Midplane', m.midplane.version, m.midplane.part, dev.serial('Midplane'), `${m.description}-MP`));
    lines.push(modelRow('Routing Engine 0', re.version, re.part, dev.serial('Routing Engine 0'), re.model));
    for (let i = 0; i < m.cbSlots; i++) lines.push(modelRow(`CB ${i}`, re.cb.version, re.cb.part, dev.serial(`CB ${i}`), re.cb.model));
    for (const card of dev.cards()) {
      lines.push(modelRow(`FPC ${card.slot}`, card.kind.version, card.kind.part, card.serial, card.kind.model));
    }
    return lines;
  }
  const lines = ['Hardware inventory:', 'Item             Version  Part number  Serial number     Description'];
  lines.push(row('Chassis', '', '', dev.serial('Chassis'), m.description));
  lines.push(row('Midplane', m.midplane.version, m.midplane.part, dev.serial('Midplane'), m.midplane.description));
  lines.push(row('FPM Board', m.fpm.version, m.fpm.part, dev.serial('FPM Board'), m.fpm.description));
  for (let i = 0; i < m.pem.count; i++) lines.push(row(`PEM ${i}`, m.pem.version, m.pem.part, dev.serial(`PEM ${i}`), m.pem.description));
  lines.push(row('Routing Engine 0', re.version, re.part, dev.serial('Routing Engine 0'), re.description));
  for (let i = 0; i < m.cbSlots; i++) lines.push(row(`CB ${i}`, re.cb.version, re.cb.part, dev.serial(`CB ${i}`), re.cb.description));
  for (const card of dev.cards()) {
    const k = card.kind;
    lines.push(row(`FPC ${card.slot}`, k.version, k.part, card.serial, k.description));
    if (k.cpuPart) lines.push(row('  CPU', k.cpuPart.version, k.cpuPart.part, `${card.serial.slice(0, 4)}${String(Number(card.serial.slice(4)) + 7).padStart(4, '0')}`, k.cpuDescription));
    else lines.push(row('  CPU', '', 'BUILTIN', 'BUILTIN', k.cpuDescription));
    k.pics.forEach((_, pic) => lines.push(row(`  PIC ${pic}`, '', 'BUILTIN', 'BUILTIN', dev.picDescription(card, pic))));
  }
  for (let i = 0; i < m.fanTrays; i++) lines.push(row(m.fanTrays > 1 ? `Fan Tray ${i}` : 'Fan Tray', '', '', '', 'Enhanced Fan Tray'));
  return lines;
}
