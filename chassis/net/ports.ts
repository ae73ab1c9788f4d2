/**
 * Whether an interface device exists and is up: `xe-1/0/3` is port 3 of PIC 0 of the card in
 * FPC 1, which must be an online IOC whose PIC has that many ports of that kind; `st0`, `lo0`,
 * `fxp0`, `reth`/`fab` and `irb` are not ports of a card.
 */
import type { Card } from '../../cards/card.js';

const VIRTUAL = /^(st0|lo0|fxp0|em0|reth\d+|fab\d+|irb|vlan)$/;
const PORT = /^(ge|xe|et)-(\d+)\/(\d+)\/(\d+)(?::\d+)?$/;

export type PortState = { readonly up: true } | { readonly up: false; readonly why: string };

export function portState(ifd: string, cards: (slot: number) => Card | undefined): PortState {
  if (VIRTUAL.test(ifd)) return { up: true };
  const m = PORT.exec(ifd);
  if (!m) return { up: false, why: `${ifd} is not a port of this chassis` };
  const [, prefix, slot, pic, port] = m;
  const card = cards(Number(slot));
  if (!card) return { up: false, why: `FPC ${slot} is empty` };
  if (card.kind.family !== 'ioc') return { up: false, why: `FPC ${slot} is a service card (${card.kind.description})` };
  if (card.state !== 'online') return { up: false, why: `FPC ${slot} is not online` };
  const p = card.kind.pics[Number(pic)];
  if (!p || p.alwaysOffline) return { up: false, why: `FPC ${slot} PIC ${pic} is not online` };
  // A 10GE port is named xe-; 1GE optics in a 10GE port appear as ge- on Junos too.
  const family = p.ports?.prefix ?? '';
  if (!(prefix === family || (prefix === 'ge' && family === 'xe'))) return { up: false, why: `FPC ${slot} PIC ${pic} has no ${prefix}- ports` };
  if (Number(port) >= (p.ports?.count ?? 0)) return { up: false, why: `FPC ${slot} PIC ${pic} has ports 0-${(p.ports?.count ?? 1) - 1}` };
  return { up: true };
}
