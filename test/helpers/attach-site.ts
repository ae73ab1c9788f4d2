/**
 * The two sites of the `--attach` tests: a manual-key route-based VPN over xe-0/0/0, each site
 * with a loopback address 10.N.N.N behind st0.1. Only the outer addressing differs between
 * tests (IPv4 loopback pair, IPv6 pair in a namespace).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { ProgramResult } from './program.js';

export interface SiteAddressing {
  /** The family of xe-0/0/0's address and of the VPN gateway. */
  readonly family: 'inet' | 'inet6';
  /** Site N's xe-0/0/0 address (no prefix length). */
  address(n: 1 | 2): string;
  readonly prefixLength: number;
  readonly spi: number;
}

export function attachSiteConfig(n: 1 | 2, peer: 1 | 2, a: SiteAddressing): string[] {
  return [
    'configure',
    `set interfaces xe-0/0/0 unit 0 family ${a.family} address ${a.address(n)}/${a.prefixLength}`,
    `set interfaces lo0 unit 0 family inet address 10.${n}.${n}.${n}/32`,
    `set interfaces st0 unit 1 family inet address 10.255.1.${n}/30`,
    'set security zones security-zone untrust interfaces xe-0/0/0.0',
    'set security zones security-zone trust interfaces lo0.0',
    'set security zones security-zone vpn host-inbound-traffic system-services ping',
    'set security zones security-zone vpn interfaces st0.1',
    'set security ipsec vpn V1 bind-interface st0.1',
    `set security ipsec vpn V1 manual gateway ${a.address(peer)} external-interface xe-0/0/0.0 protocol esp spi ${a.spi}`,
    'set security ipsec vpn V1 manual encryption algorithm aes-256-cbc key hexadecimal 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    'set security ipsec vpn V1 manual authentication algorithm hmac-sha-256-128 key hexadecimal 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f',
    `set routing-options static route 10.${peer}.${peer}.${peer}/32 next-hop st0.1`,
    'commit and-quit',
  ];
}

/** A peer site that stays up: its configuration is committed, its stdin left open until `stop`. */
export async function startPeerSite(child: ChildProcessWithoutNullStreams, config: readonly string[]): Promise<{ stop(): Promise<number | null>; output(): string }> {
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((r) => child.on('close', r));
  child.stdin.write(`${config.join('\n')}\n`);
  for (let i = 0; i < 100 && !out.includes('Exiting configuration mode'); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    stop: () => {
      child.stdin.end();
      return done;
    },
    output: () => out,
  };
}

/** Feed a site its whole script and collect what it printed. */
export function runSite(child: ChildProcessWithoutNullStreams, script: readonly string[]): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(script.join('\n'));
  });
}
