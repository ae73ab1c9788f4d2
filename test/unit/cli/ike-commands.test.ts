/**
 * Transcripts of the IKE operational commands over a fake daemon's views: `show security ike
 * security-associations` (filters, detail, `sa`), `show security ipsec security-associations`
 * with IKE tunnels, inactive tunnels, tunnel-map (refused with an SPC3), tunnel-distribution,
 * the clear commands, `lab keys` with the IKEv2 table, and `?` help on the new keywords.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ikeSaView, tunnelView } from '../../helpers/fake-ike-daemon.js';
import { ikeSites, type IkeSites } from '../../helpers/ike-sites.js';

const open: IkeSites[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sites(): Promise<IkeSites> {
  const s = await ikeSites();
  open.push(s);
  return s;
}

describe('show security ike security-associations', () => {
  it('brief, by peer, by index, by anchor SPU, detail; `sa` is accepted; nothing prints nothing', async () => {
    const s = await sites();
    expect(await s.run('show security ike security-associations')).toEqual([]);
    s.daemon(s.site1).sas = [
      ikeSaView({ index: 5120448, state: 'DOWN', responderSpi: '0000000000000000', remoteAddress: '192.0.2.50', initiatorSpi: 'c02b7e9154fa8d36', anchor: { fpc: 3, pic: 0 } }),
      ikeSaView(),
    ];
    const header = 'Index   State  Initiator cookie  Responder cookie  Mode           Remote Address';
    const up = '5120447 UP     3f9a1c07be52d4e8  91c4e0a7d3b26f15  IKEv2          192.0.2.2';
    const down = '5120448 DOWN   c02b7e9154fa8d36  0000000000000000  IKEv2          192.0.2.50';
    expect(await s.run('show security ike security-associations')).toEqual([header, up, down]);
    expect(await s.run('show security ike sa brief')).toEqual([header, up, down]);
    expect(await s.run('show security ike security-associations 192.0.2.50')).toEqual([header, down]);
    expect(await s.run('show security ike security-associations index 5120447')).toEqual([header, up]);
    expect(await s.run('sh sec ike sec fpc 3 pic 0')).toEqual([header, down]);
    expect(await s.run('show security ike security-associations fpc 3')).toEqual(['error: give both fpc and pic to select an SPU']);
    const detail = await s.run('show security ike security-associations 192.0.2.2 detail');
    expect(detail.slice(0, 6)).toEqual([
      'IKE peer 192.0.2.2, Index 5120447, Gateway Name: GW1',
      '  Role: Initiator, State: UP',
      '  Initiator cookie: 3f9a1c07be52d4e8, Responder cookie: 91c4e0a7d3b26f15',
      '  Exchange type: IKEv2, Authentication method: Pre-shared-keys',
      '  Local: 192.0.2.1:500, Remote: 192.0.2.2:500',
      '  Lifetime: Expires in 27148 seconds',
    ]);
    expect(detail.at(-1)).toBe('  Phase 2 negotiations in progress: 0');
    const bad = await s.run('show security ike security-associations 192.0.2.300');
    expect(bad.join('\n')).toMatch(/\^\n.*invalid IP address: 192\.0\.2\.300/);
  });

  it('? lists the options with help', async () => {
    const s = await sites();
    const help = await s.run('show security ike security-associations ?');
    expect(help.join('\n')).toMatch(/<peer-address>\s+IP address of the IKE peer/);
    expect(help.join('\n')).toMatch(/detail\s+Display detailed output/);
    expect((await s.run('show security ike ?')).join('\n')).toMatch(/tunnel-map\s+Show the SPU each IKE gateway is anchored on/);
    expect((await s.run('show security ipsec ?')).join('\n')).toMatch(/inactive-tunnels[\s\S]*tunnel-distribution/);
  });
});

describe('show security ipsec security-associations with IKE tunnels', () => {
  it('lists IKE pairs with life, port and gateway; detail adds lifetimes, events and the anchor', async () => {
    const s = await sites();
    await s.daemon(s.site1).install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x8e21c4f0, outboundSpi: 0x4b9d07e2 });
    const anchor = s.topology.tunnels(s.site1).anchors.tunnel(500001)!;
    s.daemon(s.site1).views = [tunnelView(500001, 0x8e21c4f0, 0x4b9d07e2, { anchor: { fpc: anchor.fpc, pic: anchor.pic, thread: anchor.thread } })];
    expect(await s.run('show security ipsec security-associations')).toEqual([
      '  Total active tunnels: 1     Total IPsec sas: 1',
      '  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway',
      '  <500001 ESP:aes-gcm-256/None 8e21c4f0 3120/ unlim - root 500 192.0.2.2',
      '  >500001 ESP:aes-gcm-256/None 4b9d07e2 3120/ unlim - root 500 192.0.2.2',
    ]);
    const detail = await s.run('show security ipsec sa detail index 500001');
    expect(detail).toEqual([
      '  ID: 500001 Virtual-system: root, VPN Name: V1',
      '  Local Gateway: 192.0.2.1, Remote Gateway: 192.0.2.2',
      '  Local Identity: ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
      '  Remote Identity: ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
      '  Version: IKEv2',
      '  DF-bit: clear, Copy-Outer-DSCP Disabled, Bind-interface: st0.1',
      '  Port: 500, Nego#: 1, Fail#: 0, Def-Del#: 0 Flag: 0x600a29',
      '  Tunnel events:',
      '    Thu Jan 01 2026 00:00:01: IPSec SA negotiation successfully completed (1 times)',
      `  Location: FPC ${anchor.fpc}, PIC ${anchor.pic}, KMD-Instance 0`,
      `  Anchorpoint: FPC ${anchor.fpc}, PIC ${anchor.pic} (SPC3), Crypto engine: hardware`,
      '  Direction: inbound, SPI: 8e21c4f0, AUX-SPI: 0',
      '                              , VPN Monitoring: -',
      '    Hard lifetime: Expires in 3120 seconds',
      '    Lifesize Remaining:  Unlimited',
      '    Soft lifetime: Expires in 2514 seconds',
      '    Mode: Tunnel(0 0), Type: dynamic, State: installed',
      '    Protocol: ESP, Authentication: None, Encryption: aes-gcm (256 bits)',
      '    Anti-replay service: counter-based enabled, Replay window size: 64',
      '  Direction: outbound, SPI: 4b9d07e2, AUX-SPI: 0',
      '                              , VPN Monitoring: -',
      '    Hard lifetime: Expires in 3120 seconds',
      '    Lifesize Remaining:  Unlimited',
      '    Soft lifetime: Expires in 2514 seconds',
      '    Mode: Tunnel(0 0), Type: dynamic, State: installed',
      '    Protocol: ESP, Authentication: None, Encryption: aes-gcm (256 bits)',
      '    Anti-replay service: disabled, Replay window size: 0',
    ]);
    expect(await s.run('show security ipsec statistics index 999')).toEqual(['error: no IPsec tunnel with index 999']);
    expect((await s.run('show security ipsec statistics index 500001'))[0]).toBe('ESP Statistics:');
  });

  it('inactive tunnels come from the daemon', async () => {
    const s = await sites();
    expect(await s.run('show security ipsec inactive-tunnels')).toEqual(['  Total inactive tunnels: 0', '  Total inactive tunnels with establish immediately: 0']);
    s.daemon(s.site1).inactive = { establishImmediately: 1, tunnels: [{ id: 500001, port: 500, gateway: '192.0.2.2', pendingSas: 1, downReason: 'No response from peer. Negotiation failed', downReasonCount: 12 }] };
    expect(await s.run('show security ipsec inactive-tunnels')).toEqual([
      '  Total inactive tunnels: 1',
      '  Total inactive tunnels with establish immediately: 1',
      '  ID           Port   Gateway          Pending SAs   Tunnel Down Reason',
      '  500001       500    192.0.2.2        1             No response from peer. Negotiation failed (12 times)',
    ]);
  });
});

describe('tunnel-map and tunnel-distribution', () => {
  it('tunnel-map is refused with an SPC3 installed, and lists gateways on an SPC2-only node', async () => {
    const s = await sites();
    const refused = await s.cli.execute('show security ike tunnel-map');
    expect(refused.lines).toEqual(["error: 'show security ike tunnel-map' is not valid when SPC3 cards are installed; use 'show security ipsec tunnel-distribution'"]);
    expect(refused.error).toBe(true);
    expect((await s.run('show security ike tunnel-map summary'))[0]).toMatch(/^error: 'show security ike tunnel-map' is not valid/);
    const p = await s.daemon(s.site2).install({ tunnelId: 131073, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.2', remote: '192.0.2.1', inboundSpi: 0x2002, outboundSpi: 0x1001 });
    expect(await s.on(s.site2, ['show security ike tunnel-map'])).toEqual(['  Gateway ID  Gateway Name           FPC  PIC  Instance', `  1           GW1                    ${p.fpc}    ${p.pic}    0`]);
    const summary = await s.on(s.site2, ['show security ike tunnel-map summary']);
    expect(summary[0]).toBe('  FPC  PIC  Load');
    expect(summary).toContain(`  ${p.fpc}    ${p.pic}    1`);
    // Two SPC2s, four SPUs each: every SPU has a row.
    expect(summary).toHaveLength(9);
  });

  it('tunnel-distribution lists manual and IKE tunnels by id; fpc/pic select', async () => {
    const s = await sites();
    const p = await s.daemon(s.site1).install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002 });
    const rows = await s.run('show security ipsec tunnel-distribution');
    expect(rows).toEqual(['  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile', `  500001      ${p.fpc}    ${p.pic}    ${String(p.thread).padEnd(11)}-`]);
    const other = p.fpc === 2 ? 3 : 2;
    expect(await s.run(`show security ipsec tunnel-distribution fpc ${other} pic 0`)).toEqual(['  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile']);
  });
});

describe('clear and lab keys', () => {
  it('clear security ike|ipsec security-associations pass their filters to the daemon and print nothing', async () => {
    const s = await sites();
    expect(await s.run('clear security ike security-associations')).toEqual([]);
    expect(await s.run('clear security ike sa 192.0.2.2 index 7')).toEqual([]);
    expect(await s.run('clear security ipsec security-associations index 500001')).toEqual([]);
    expect(await s.run('clear security ipsec sa')).toEqual([]);
    expect(s.daemon(s.site1).cleared).toEqual([
      { kind: 'ike', filter: {} },
      { kind: 'ike', filter: { peer: '192.0.2.2', index: 7 } },
      { kind: 'ipsec', filter: { index: 500001 } },
      { kind: 'ipsec', filter: {} },
    ]);
  });

  it('lab keys writes the ESP SAs of IKE pairs and the IKEv2 table', async () => {
    const s = await sites();
    await s.daemon(s.site1).install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002 });
    s.daemon(s.site1).keys = [
      {
        initiatorSpi: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
        responderSpi: Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1),
        encryption: 'aes-128-cbc',
        integrity: 'sha-256',
        skEi: new Uint8Array(16).fill(0x11),
        skEr: new Uint8Array(16).fill(0x22),
        skAi: new Uint8Array(32).fill(0x33),
        skAr: new Uint8Array(32).fill(0x44),
      },
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'srx5k-keys-')), 'esp_sa');
    expect(await s.run(`lab keys ${file}`)).toEqual([`lab: 2 ESP SAs written to ${file} (Wireshark esp_sa table), 1 IKEv2 SAs to ${file}.ikev2 (ikev2_decryption_table)`]);
    const esp = readFileSync(file, 'utf8').trim().split('\n');
    expect(esp[0]).toMatch(/^"IPv4","192\.0\.2\.1","192\.0\.2\.2","0x00002002","AES-GCM with 16 octet ICV \[RFC4106\]"/);
    expect(esp[1]).toMatch(/^"IPv4","192\.0\.2\.2","192\.0\.2\.1","0x00001001"/);
    const ike = readFileSync(`${file}.ikev2`, 'utf8').trim();
    expect(ike).toBe(`0102030405060708,0807060504030201,${'11'.repeat(16)},${'22'.repeat(16)},"AES-CBC-128 [RFC3602]",${'33'.repeat(32)},${'44'.repeat(32)},"HMAC_SHA2_256_128 [RFC4868]"`);
  });
});
