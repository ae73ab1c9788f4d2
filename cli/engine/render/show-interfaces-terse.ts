/**
 * `show interfaces terse`: every port of the online IOC PICs, then lo0 and st0 when configured,
 * each followed by its configured logical units and their addresses. An st0 unit's link is up
 * while a tunnel is up behind it.
 */
import type { Device } from '../../../chassis/device.js';
import type { LogicalInterface } from '../../../dataplane/forwarding/model.js';

export interface TerseInputs {
  readonly interfaces: readonly LogicalInterface[];
  portUp(ifd: string): boolean;
  tunnelUp(ifl: string): boolean;
}

function line(name: string, admin: string, link: string, proto = '', local = ''): string {
  return `${name.padEnd(24)}${admin.padEnd(6)}${link.padEnd(5)}${proto.padEnd(9)}${local}`.trimEnd();
}

export function renderInterfacesTerse(dev: Device, inp: TerseInputs): string[] {
  const lines = ['Interface               Admin Link Proto    Local                 Remote'];
  const ports: string[] = [];
  for (const card of dev.cards()) {
    if (card.kind.family !== 'ioc' || card.state !== 'online') continue;
    card.kind.pics.forEach((pic, p) => {
      if (!pic.ports || pic.alwaysOffline) return;
      for (let n = 0; n < pic.ports.count; n++) ports.push(`${pic.ports.prefix}-${card.slot}/${p}/${n}`);
    });
  }
  const configured = [...new Set(inp.interfaces.map((i) => i.ifd))];
  for (const v of ['lo0', 'st0']) if (configured.includes(v)) ports.push(v);
  for (const ifd of configured) if (!ports.includes(ifd)) ports.push(ifd);
  for (const ifd of ports) {
    const up = inp.portUp(ifd);
    lines.push(line(ifd, 'up', up ? 'up' : 'down'));
    for (const ifl of inp.interfaces.filter((i) => i.ifd === ifd).sort((a, b) => a.unit - b.unit)) {
      const link = up && (ifd !== 'st0' || inp.tunnelUp(ifl.name)) ? 'up' : 'down';
      const addrs: Array<[string, string]> = [...ifl.inet.map((a) => ['inet', a] as [string, string]), ...ifl.inet6.map((a) => ['inet6', a] as [string, string])];
      if (addrs.length === 0) {
        lines.push(line(ifl.name, 'up', link));
        continue;
      }
      addrs.forEach(([proto, a], i) => lines.push(i === 0 ? line(ifl.name, 'up', link, proto, a) : line('', '', '', proto === addrs[i - 1]![0] ? '' : proto, a)));
    }
  }
  return lines;
}
