/**
 * srx5k against a real peer nobody here wrote: strongSwan 5.9 (charon with kernel-libipsec) in a
 * network namespace of its own, srx5k (`--batch --attach xe-0/0/0`) in another, a veth pair
 * between them (test/helpers/strongswan.ts). IKEv2 with a pre-shared key, srx5k as responder
 * and as initiator, AES-GCM-128/ECP-256 and AES-CBC-256/SHA-256/MODP-2048; the CHILD SA is
 * rekeyed; `ping … count 5` through the tunnel gets 5 replies while charon's inbound packet
 * counter (ESP it decrypted and verified) rises by 5. charon's libipsec forces NAT-T, so IKE
 * floats to 4500 and ESP travels in UDP, as on the wire with a real box behind NAT.
 *
 * .ci/run installs strongSwan; the test says clearly why it cannot run elsewhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BatchSession } from '../helpers/batch-session.js';
import { LAB, startCharon, startLab, stopAllLabs, strongswanMissing, type ConnectionSpec } from '../helpers/strongswan.js';

afterEach(async () => {
  await stopAllLabs();
});

const SRX_LOOPBACK = '10.99.1.1';
const PSK = 'interop-secret-2026';

interface Suite {
  readonly name: string;
  /** srx5k side. */
  readonly ike: readonly string[];
  readonly esp: readonly string[];
  /** charon side. */
  readonly charonIke: string;
  readonly charonEsp: string;
  /** What `show security ike security-associations detail` / charon report. */
  readonly charonProposal: RegExp;
}

const GCM: Suite = {
  name: 'AES-GCM-128 / ECP-256',
  ike: ['authentication-method pre-shared-keys', 'dh-group group19', 'encryption-algorithm aes-128-gcm'],
  esp: ['protocol esp', 'encryption-algorithm aes-128-gcm'],
  charonIke: 'aes128gcm16-prfsha256-ecp256',
  charonEsp: 'aes128gcm16',
  charonProposal: /^AES_GCM_16-128\/PRF_HMAC_SHA2_256\/ECP_256$/,
};

const CBC: Suite = {
  name: 'AES-CBC-256 / SHA-256 / MODP-2048',
  ike: ['authentication-method pre-shared-keys', 'dh-group group14', 'authentication-algorithm sha-256', 'encryption-algorithm aes-256-cbc'],
  esp: ['protocol esp', 'authentication-algorithm hmac-sha-256-128', 'encryption-algorithm aes-256-cbc'],
  charonIke: 'aes256-sha256-modp2048',
  charonEsp: 'aes256-sha256',
  charonProposal: /^AES_CBC-256\/HMAC_SHA2_256_128\/PRF_HMAC_SHA2_256\/MODP_2048$/,
};

function srxConfig(suite: Suite, establish: 'immediately' | 'on-traffic'): string[] {
  return [
    `set interfaces xe-0/0/0 unit 0 family inet address ${LAB.srx5k}/${LAB.prefixLength}`,
    `set interfaces lo0 unit 0 family inet address ${SRX_LOOPBACK}/32`,
    'set interfaces st0 unit 1 family inet address 10.255.9.1/30',
    'set security zones security-zone untrust host-inbound-traffic system-services ike',
    'set security zones security-zone untrust interfaces xe-0/0/0.0',
    'set security zones security-zone trust interfaces lo0.0',
    'set security zones security-zone vpn host-inbound-traffic system-services ping',
    'set security zones security-zone vpn interfaces st0.1',
    ...suite.ike.map((s) => `set security ike proposal IKE-P ${s}`),
    'set security ike policy IKE-POL proposals IKE-P',
    `set security ike policy IKE-POL pre-shared-key ascii-text "${PSK}"`,
    'set security ike gateway SWAN ike-policy IKE-POL',
    `set security ike gateway SWAN address ${LAB.peer}`,
    'set security ike gateway SWAN external-interface xe-0/0/0.0',
    'set security ike gateway SWAN version v2-only',
    ...suite.esp.map((s) => `set security ipsec proposal ESP-P ${s}`),
    'set security ipsec policy IPSEC-POL proposals ESP-P',
    'set security ipsec vpn TO-SWAN bind-interface st0.1',
    'set security ipsec vpn TO-SWAN ike gateway SWAN',
    'set security ipsec vpn TO-SWAN ike ipsec-policy IPSEC-POL',
    `set security ipsec vpn TO-SWAN establish-tunnels ${establish}`,
    `set routing-options static route ${LAB.behindPeer}/32 next-hop st0.1`,
  ];
}

function charonConnection(suite: Suite, role: 'initiator' | 'responder'): ConnectionSpec {
  return {
    name: 'srx',
    remoteAddrs: LAB.srx5k,
    psk: PSK,
    ikeProposals: [suite.charonIke],
    role,
    children: [{ name: 'net', localTs: [`${LAB.behindPeer}/32`], remoteTs: [`${SRX_LOOPBACK}/32`], espProposals: [suite.charonEsp] }],
  };
}

async function startSrx(lab: ReturnType<typeof startLab>, suite: Suite, establish: 'immediately' | 'on-traffic'): Promise<BatchSession> {
  const srx = new BatchSession(lab.spawnSrx5k(['--batch', '--attach', 'xe-0/0/0', '--hostname', 'srx']), 'root@srx');
  await srx.run('configure');
  for (const line of srxConfig(suite, establish)) await srx.run(line);
  expect(await srx.run('commit and-quit')).toContain('commit complete');
  return srx;
}

describe('IKEv2 interop with strongSwan 5.9', () => {
  it.each([
    ['responder', GCM],
    ['initiator', CBC],
  ] as const)('srx5k as %s, %s: establishes, pings 5 through the tunnel (charon counts 5 in), rekeys the CHILD SA, pings again', async (srxRole, suite) => {
    const missing = strongswanMissing();
    if (missing) throw new Error(`strongSwan is needed for this test (.ci/run installs it): ${missing}`);
    const lab = startLab();
    const srxInitiates = srxRole === 'initiator';
    // charon first when it responds, so srx5k's first IKE_SA_INIT finds it listening.
    const charon = srxInitiates ? await startCharon(lab, { connections: [charonConnection(suite, 'responder')] }) : null;
    const srx = await startSrx(lab, suite, srxInitiates ? 'immediately' : 'on-traffic');
    const peer = charon ?? (await startCharon(lab, { connections: [charonConnection(suite, 'initiator')] }));

    const up = await peer.waitForChild('net');
    expect(up.ike.proposal).toMatch(suite.charonProposal);
    expect(up.ike.initiator).toBe(!srxInitiates);
    expect(up.child.encapsulation).toBe('TUNNEL-in-UDP');

    const ikeSas = await srx.run('show security ike security-associations');
    expect(ikeSas[0]).toBe('Index   State  Initiator cookie  Responder cookie  Mode           Remote Address');
    expect(ikeSas[1]).toMatch(new RegExp(`^\\d+\\s+UP\\s+[0-9a-f]{16}\\s+[0-9a-f]{16}\\s+IKEv2\\s+${LAB.peer.replace(/\./g, '\\.')}$`));
    const ipsecSas = await srx.run('show security ipsec security-associations');
    expect(ipsecSas.filter((l) => /^\s+[<>]\d+ ESP:/.test(l))).toHaveLength(2);
    expect(ipsecSas.join('\n')).toContain(` 4500 ${LAB.peer}`);

    const inBefore = up.child.packetsIn;
    const ping = await srx.run(`ping ${LAB.behindPeer} source ${SRX_LOOPBACK} count 5`, 60_000);
    expect(ping.join('\n')).toContain('5 packets transmitted, 5 packets received, 0% packet loss');
    const counted = await peer.waitFor('5 more ESP packets in', (sas) => {
      const c = sas.flatMap((s) => s.children).find((x) => x.state === 'INSTALLED' && x.name === 'net');
      return c && c.packetsIn >= inBefore + 5 ? c : undefined;
    });
    expect(counted.packetsIn).toBe(inBefore + 5);

    // charon rekeys the CHILD SA (CREATE_CHILD_SA with REKEY_SA, then the old SA's delete).
    const { before, after } = await peer.rekeyChild('net');
    expect(after.spiIn).not.toBe(before.spiIn);
    const rekeyed = await srx.run('show security ipsec security-associations');
    expect(rekeyed.join('\n')).toContain(after.spiOut.toLowerCase());
    const again = await srx.run(`ping ${LAB.behindPeer} source ${SRX_LOOPBACK} count 5`, 60_000);
    expect(again.join('\n')).toContain('5 packets transmitted, 5 packets received, 0% packet loss');
    const afterPing = await peer.waitFor('5 ESP packets in on the new SA', (sas) => {
      const c = sas.flatMap((s) => s.children).find((x) => x.state === 'INSTALLED' && x.spiIn === after.spiIn);
      return c && c.packetsIn >= after.packetsIn + 5 ? c : undefined;
    });
    expect(afterPing.packetsIn).toBe(after.packetsIn + 5);

    expect(await srx.close()).toBe(0);
  }, 120_000);
});
