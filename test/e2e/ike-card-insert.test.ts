/**
 * "A newly inserted card takes only new tunnels", for IKE tunnels negotiated by the real kmd:
 * site2 (SPC2s in slots 2 and 3) anchors eight gateways, an SPC2 is hot-inserted in slot 4 and
 * boots; the eight keep their anchors (and their SAs), and gateways configured afterwards go
 * to the new card's SPUs, the least loaded ones. Runs in process on the lab's virtual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeLabs, lab, type Lab } from '../helpers/lab.js';

afterEach(closeLabs);

/** Gateway k: site1 speaks from 192.0.2.(10+k) to site2's 192.0.2.2 over st0.(k). */
function gateways(side: 1 | 2, from: number, to: number): string[] {
  const lines: string[] = [];
  for (let k = from; k <= to; k++) {
    const a1 = `192.0.2.${10 + k}`;
    if (side === 1) lines.push(`set interfaces xe-0/0/0 unit 0 family inet address ${a1}/24`);
    lines.push(
      `set interfaces st0 unit ${k} family inet address 10.255.${k}.${side}/30`,
      `set security zones security-zone vpn interfaces st0.${k}`,
      `set security ike gateway GW${k} ike-policy IP1`,
      `set security ike gateway GW${k} address ${side === 1 ? '192.0.2.2' : a1}`,
      `set security ike gateway GW${k} external-interface xe-0/0/0.0`,
      ...(side === 1 ? [`set security ike gateway GW${k} local-address ${a1}`] : []),
      `set security ike gateway GW${k} version v2-only`,
      `set security ipsec vpn V${k} bind-interface st0.${k}`,
      `set security ipsec vpn V${k} ike gateway GW${k}`,
      `set security ipsec vpn V${k} ike ipsec-policy PIP1`,
      ...(side === 1 ? [`set security ipsec vpn V${k} establish-tunnels immediately`] : []),
    );
  }
  return lines;
}

async function configure(l: Lab, lines: string[]): Promise<void> {
  for (const line of lines) expect((await l.cli.execute(line)).lines.filter((x) => x.startsWith('error'))).toEqual([]);
}

/** `show security ike tunnel-map` on the console's device: gateway name → "fpc/pic". */
async function tunnelMap(l: Lab): Promise<Map<string, string>> {
  const rows = (await l.run('show security ike tunnel-map')).slice(1);
  return new Map(rows.map((r) => r.trim().split(/\s+/)).map((f) => [f[1]!, `${f[2]}/${f[3]}`]));
}

async function upCount(l: Lab): Promise<number> {
  return (await l.run('show security ike security-associations')).filter((x) => / UP /.test(x)).length;
}

describe('hot-inserted SPC2 on a kmd device: new IKE tunnels only', () => {
  it('existing gateways keep their SPUs across the insertion; gateways added later land on the new card', async () => {
    const l = lab('ike-vpn.yaml');
    await configure(l, ['lab console site2', 'configure', ...gateways(2, 2, 8), 'commit and-quit']);
    await configure(l, ['lab console site1', 'configure', ...gateways(1, 2, 8), 'commit and-quit', 'lab console site2']);
    for (let i = 0; i < 30 && (await upCount(l)) < 8; i++) await l.run('lab wait 1');
    expect(await upCount(l)).toBe(8);
    const before = await tunnelMap(l);
    expect(before.size).toBe(8);
    for (const at of before.values()) expect(at).toMatch(/^[23]\//);

    expect((await l.run('lab insert fpc 4 spc2')).join('\n')).toMatch(/fpc 4/);
    // SPC2s boot in 60 s of device time.
    await l.run('lab wait 90');
    const pics = await l.run('show chassis fpc pic-status');
    expect(pics.slice(pics.findIndex((x) => x.startsWith('Slot 4')))).toEqual([
      'Slot 4   Online       SRX5k SPC II',
      ...[0, 1, 2, 3].map((n) => `  PIC ${n}  Online       SPU Flow`),
    ]);
    const after = await tunnelMap(l);
    expect(after).toEqual(before);
    expect(await upCount(l)).toBe(8);
    expect((await l.run('show security ipsec security-associations')).filter((x) => /^\s+</.test(x))).toHaveLength(8);

    await configure(l, ['configure', ...gateways(2, 9, 12), 'commit and-quit']);
    await configure(l, ['lab console site1', 'configure', ...gateways(1, 9, 12), 'commit and-quit', 'lab console site2']);
    for (let i = 0; i < 30 && (await upCount(l)) < 12; i++) await l.run('lab wait 1');
    expect(await upCount(l)).toBe(12);
    const last = await tunnelMap(l);
    for (const [gw, at] of before) expect(last.get(gw)).toBe(at);
    const fresh = [9, 10, 11, 12].map((k) => last.get(`GW${k}`));
    expect(fresh.every((at) => at !== undefined && at.startsWith('4/'))).toBe(true);
  });
});
