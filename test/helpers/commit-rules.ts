/**
 * Commit-rule tests share one route-based IKEv2 VPN that commits on every card mix, devices that
 * close after each test, and the check that a refused commit prints exactly the expected lines
 * and changes neither the candidate nor the active configuration.
 */
import { expect } from 'vitest';
import type { CardType } from '../../cards/kinds.js';
import { makeDevice, type TestDevice } from './device.js';

/** A minimal route-based VPN that commits everywhere; rule tests bend one thing at a time. */
export const BASE_VPN: readonly string[] = [
  'set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.2/24',
  'set interfaces st0 unit 1 family inet address 10.255.1.1/30',
  'set security ike proposal P1 authentication-method pre-shared-keys',
  'set security ike proposal P1 dh-group group14',
  'set security ike proposal P1 authentication-algorithm sha-256',
  'set security ike proposal P1 encryption-algorithm aes-256-cbc',
  'set security ike policy POL proposals P1',
  'set security ike policy POL pre-shared-key ascii-text secret',
  'set security ike gateway GW ike-policy POL',
  'set security ike gateway GW address 192.0.2.1',
  'set security ike gateway GW external-interface ge-0/0/0.0',
  'set security ike gateway GW version v2-only',
  'set security ipsec proposal E1 protocol esp',
  'set security ipsec proposal E1 encryption-algorithm aes-128-gcm',
  'set security ipsec policy IPOL proposals E1',
  'set security ipsec vpn V1 bind-interface st0.1',
  'set security ipsec vpn V1 ike gateway GW',
  'set security ipsec vpn V1 ike ipsec-policy IPOL',
];

export type DeviceOptions = Parameters<typeof makeDevice>[1];

/** Devices a test file opened; close them from afterEach with `closeAll`. */
export class RuleDevices {
  private readonly open: TestDevice[] = [];

  dev(cards: Array<[number, CardType]> = [[1, 'ioc4'], [2, 'spc3']], opts: DeviceOptions = {}): TestDevice {
    const d = makeDevice(cards, opts);
    this.open.push(d);
    return d;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((d) => d.close()));
  }
}

/** Enter configuration mode and set BASE_VPN plus `extra` (each line must be accepted). */
export async function setUp(d: TestDevice, extra: readonly string[]): Promise<void> {
  await d.run('configure');
  for (const l of [...BASE_VPN, ...extra]) {
    const r = await d.cli.execute(l);
    if (r.error) throw new Error(`${l}: ${r.lines.join(' / ')}`);
  }
}

/** Commit (and commit check) must fail with exactly these lines and change nothing. */
export async function expectRefused(d: TestDevice, lines: readonly string[]): Promise<void> {
  const candidateBefore = await d.run('show | display set');
  const activeBefore = JSON.stringify(d.device.config.active);
  const r = await d.cli.execute('commit');
  expect(r.error).toBe(true);
  expect(r.lines).toEqual([...lines, 'error: configuration check-out failed']);
  expect(await d.run('show | display set')).toEqual(candidateBefore);
  expect(JSON.stringify(d.device.config.active)).toBe(activeBefore);
  expect((await d.cli.execute('commit check')).lines).toEqual(r.lines);
}
