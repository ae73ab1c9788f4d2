/**
 * One tunnel-id counter per device: on a kmd box a manual VPN and an IKE VPN used to both show
 * ID 131073 in `show security ipsec security-associations` (the daemon and the tunnel layer
 * each counted on their own). Both now draw from the chassis kernel's `allocateTunnelId`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeLabs, lab } from '../../helpers/lab.js';

afterEach(closeLabs);

const manual = (n: 1 | 2): string[] => [
  `set interfaces st0 unit 2 family inet address 10.255.2.${n}/30`,
  'set security zones security-zone vpn interfaces st0.2',
  'set security ipsec vpn M2 bind-interface st0.2',
  `set security ipsec vpn M2 manual gateway 192.0.2.${3 - n} external-interface xe-0/0/0.0 protocol esp spi ${n === 1 ? 2001 : 2002}`,
  'set security ipsec vpn M2 manual encryption algorithm aes-128-cbc key hexadecimal 00112233445566778899aabbccddeeff',
  'set security ipsec vpn M2 manual authentication algorithm hmac-sha-256-128 key hexadecimal 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
];

describe('tunnel ids on a kmd device with manual and IKE VPNs', () => {
  it('the manual tunnel and the IKE tunnel show two different IDs, both in the kmd range', async () => {
    const l = lab('ike-vpn.yaml');
    const configure = async (lines: string[]): Promise<void> => {
      for (const line of lines) expect((await l.cli.execute(line)).lines.filter((x) => x.startsWith('error'))).toEqual([]);
    };
    await configure(['lab console site1', 'configure', ...manual(1), 'commit and-quit', 'lab console site2', 'configure', ...manual(2), 'commit and-quit']);
    await l.topology.tunnels(l.dev('site2')).reconcile();
    // site1 (iked) initiates V1 at once; let the negotiation run on the virtual clock.
    for (let i = 0; i < 20 && (await l.run('show security ipsec security-associations')).filter((x) => /^\s+[<>]/.test(x)).length < 4; i++) {
      await l.run('lab wait 1');
    }
    const lines = await l.run('show security ipsec security-associations');
    const rows = lines.filter((x) => /^\s+[<>]/.test(x));
    const ids = [...new Set(rows.map((x) => Number(/^\s+[<>](\d+)/.exec(x)![1])))];
    expect(rows.length).toBe(4);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(131073);
    expect(Math.max(...ids)).toBeLessThan(500001);
  });
});
