/**
 * `show chassis fpc` and `show chassis fpc pic-status`, with the real column layouts
 * (reference/srx5000-facts.md §1). Booting cards and SPC3s waiting for a reboot show `Present`,
 * as Junos shows a card it detects but has not brought up; a failed SPU shows `Offline`.
 */
import type { Card } from '../../../cards/card.js';
import type { Device } from '../../../chassis/device.js';

export function fpcStateText(card: Card): string {
  switch (card.state) {
    case 'online':
      return 'Online';
    case 'offline':
      return 'Offline';
    case 'booting':
    case 'present':
      return 'Present';
  }
}

/** Deterministic, plausible load figures for an online card. */
function load(card: Card): { temp: number; cpu: number; heap: number; buffer: number } {
  const failed = card.spus.filter((s) => s.state === 'failed').length;
  const base = (card.slot * 7 + card.serial.charCodeAt(card.serial.length - 1)) % 9;
  return {
    temp: 35 + base + (card.isSpc ? 4 : 0),
    cpu: card.isSpc ? Math.max(1, 3 + base + 2 * (card.spus.length - failed) - 2 * failed) : 2 + (base % 4),
    heap: card.isSpc ? 18 + base : 22 + (base % 5),
    buffer: card.isSpc ? 0 : 12 + (base % 3),
  };
}

export function renderChassisFpc(dev: Device, slot?: number): string[] {
  const lines = [
    '                     Temp  CPU Utilization (%)   CPU Utilization (%)  Memory    Utilization (%)',
    'Slot State            (C)  Total  Interrupt      1min   5min   15min  DRAM (MB) Heap     Buffer',
  ];
  for (let s = 0; s < dev.model.fpcSlots; s++) {
    if (slot !== undefined && s !== slot) continue;
    const card = dev.card(s);
    if (!card) {
      lines.push(`${String(s).padStart(3)}  Empty`);
      continue;
    }
    const state = fpcStateText(card);
    if (card.state !== 'online') {
      lines.push(`${String(s).padStart(3)}  ${state}`);
      continue;
    }
    const l = load(card);
    lines.push(
      `${String(s).padStart(3)}  ${state.padEnd(16)}${String(l.temp).padStart(4)}${String(l.cpu).padStart(7)}${'0'.padStart(11)}` +
        `${String(l.cpu).padStart(9)}${String(l.cpu).padStart(7)}${String(l.cpu).padStart(7)}` +
        `    ${String(card.kind.dramMb).padEnd(5)}${String(l.heap).padStart(8)}${String(l.buffer).padStart(11)}`,
    );
  }
  return lines;
}

export function renderPicStatus(dev: Device, slot?: number): string[] {
  const lines: string[] = [];
  for (const card of dev.cards()) {
    if (slot !== undefined && card.slot !== slot) continue;
    lines.push(`${`Slot ${card.slot}`.padEnd(9)}${fpcStateText(card).padEnd(13)}${card.kind.description}`);
    if (card.state !== 'online') continue;
    card.kind.pics.forEach((pic, i) => {
      const spu = card.spus[i];
      const state = spu ? (spu.state === 'online' ? 'Online' : 'Offline') : pic.alwaysOffline ? 'Offline' : 'Online';
      lines.push(`${`  PIC ${i}`.padEnd(9)}${state.padEnd(13)}${dev.picDescription(card, i)}`);
    });
  }
  return lines;
}
