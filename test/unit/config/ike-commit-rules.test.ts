/**
 * The IKE version of a gateway an IKE VPN uses: `version` defaults to v1-only (YANG), IKEv1 is
 * not available in this emulator yet, and a v1-only gateway must never silently speak IKEv2 —
 * so commit refuses it, with the exact Junos-style lines, and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CardType } from '../../../cards/kinds.js';
import { expectRefused, RuleDevices, setUp, type DeviceOptions } from '../../helpers/commit-rules.js';
import type { TestDevice } from '../../helpers/device.js';

const devices = new RuleDevices();
afterEach(() => devices.closeAll());
const dev = (...args: Parameters<RuleDevices['dev']>): TestDevice => devices.dev(...args);
type Opts = DeviceOptions;

const DEFAULTED = (gw: string, users: string) => [
  `[edit security ike gateway ${gw}]`,
  "    'version'",
  `        IKE gateway ${gw} (used by ${users}) defaults to version v1-only, and IKEv1 is not available in this emulator yet: set version v2-only for now`,
];
const EXPLICIT = (gw: string, users: string) => [
  `[edit security ike gateway ${gw}]`,
  "    'version v1-only'",
  `        IKEv1 is not available in this emulator yet: IKE gateway ${gw} (used by ${users}) must use version v2-only for now`,
];

describe('an IKE VPN gateway must use version v2-only (IKEv1 not available yet)', () => {
  it.each([
    ['SPC3 (iked)', [[1, 'ioc4'], [2, 'spc3']], {}],
    ['SPC2 only (kmd)', [[1, 'ioc4'], [2, 'spc2']], { junosIke: false }],
  ] as Array<[string, Array<[number, CardType]>, Opts]>)('on %s: no version (the v1-only default) is refused, v1-only is refused, v2-only commits', async (_what, cards, opts) => {
    const d = dev(cards, opts);
    await setUp(d, ['delete security ike gateway GW version']);
    await expectRefused(d, DEFAULTED('GW', 'VPN V1'));
    await d.run('set security ike gateway GW version v1-only');
    await expectRefused(d, EXPLICIT('GW', 'VPN V1'));
    await d.run('set security ike gateway GW version v2-only');
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('one error per gateway, naming every VPN that uses it; each gateway reported', async () => {
    const d = dev();
    await setUp(d, [
      'set security ike gateway GW version v1-only',
      'set security ipsec vpn V2 bind-interface st0.1',
      'set security ipsec vpn V2 ike gateway GW',
      'set security ike gateway GW2 ike-policy POL',
      'set security ike gateway GW2 address 192.0.2.9',
      'set security ipsec vpn V3 bind-interface st0.1',
      'set security ipsec vpn V3 ike gateway GW2',
    ]);
    await expectRefused(d, [...EXPLICIT('GW', 'VPNs V1, V2'), ...DEFAULTED('GW2', 'VPN V3')]);
  });

  it.each([
    ['a v1-only gateway no VPN uses', ['set security ike gateway SPARE ike-policy POL', 'set security ike gateway SPARE address 192.0.2.7']],
    ['a v1-only gateway whose only VPN is deactivated', ['set security ike gateway SPARE ike-policy POL', 'set security ipsec vpn OLD ike gateway SPARE', 'deactivate security ipsec vpn OLD']],
    ['a deactivated v1-only gateway and its deactivated VPN', ['set security ike gateway SPARE ike-policy POL', 'deactivate security ike gateway SPARE', 'set security ipsec vpn OLD ike gateway SPARE', 'deactivate security ipsec vpn OLD']],
    ['a manual VPN (no IKE at all)', ['set security ipsec vpn M bind-interface st0.1', 'set security ipsec vpn M manual gateway 192.0.2.1 external-interface ge-0/0/0.0 spi 300', 'set security ipsec vpn M manual encryption algorithm aes-128-gcm key ascii-text 0123456789abcdefSALT']],
  ])('commits: %s', async (_what, extra) => {
    const d = dev();
    await setUp(d, extra);
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('a VPN naming an undefined gateway gets only the reference error', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec vpn V1 ike gateway NOPE']);
    await expectRefused(d, ['[edit security ipsec vpn V1 ike]', "    'gateway NOPE'", '        Referenced IKE gateway NOPE is not defined']);
  });
});
