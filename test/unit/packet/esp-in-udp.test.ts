import { describe, expect, it } from 'vitest';
import {
  NAT_T_PORT,
  buildEspInUdpIpv4Packet,
  buildEspInUdpIpv6Packet,
  buildIkeNatTIpv4Packet,
  buildNatKeepaliveIpv4Packet,
  classifyNatTPayload,
  ikeNatTPayload,
  wrapEspInUdp,
} from '../../../dataplane/packet/esp-in-udp.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { parseIpv6 } from '../../../dataplane/packet/ipv6.js';
import { parseUdp } from '../../../dataplane/packet/udp.js';
import { hex, loadEspVectors, toHex } from './helpers.js';

const S = hex('0a630001');
const D = hex('0a630002');

describe('RFC 3948 classification of UDP 4500 payloads', () => {
  it('0xFF alone is a NAT-keepalive', () => {
    expect(classifyNatTPayload(hex('ff'))).toEqual({ kind: 'keepalive' });
  });

  it('four zero bytes (non-ESP marker) introduce an IKE message', () => {
    const r = classifyNatTPayload(hex('00000000 a9de6fdf081c5201'));
    expect(r.kind).toBe('ike');
    if (r.kind === 'ike') expect(toHex(r.message)).toBe('a9de6fdf081c5201');
    expect(classifyNatTPayload(hex('00000000')).kind).toBe('ike'); // marker with an empty message
  });

  it('anything else of 8 bytes or more is ESP, SPI and sequence read big-endian', () => {
    const r = classifyNatTPayload(hex('69819b20 00000001 7fdb4f27'));
    expect(r).toMatchObject({ kind: 'esp', spi: 0x69819b20, sequence: 1 });
  });

  it.each([[''], ['fe'], ['ffff'], ['000000'], ['01020304'], ['01020304050607']])('%j is invalid', (h) => {
    expect(classifyNatTPayload(hex(h)).kind).toBe('invalid');
  });

  it('classifies the stored strongSwan ESP packets as ESP with their SPI and sequence number', () => {
    for (const v of loadEspVectors('strongswan-v2-gcm')) {
      const r = classifyNatTPayload(hex(v.esp));
      expect(r).toMatchObject({ kind: 'esp', spi: parseInt(v.spi, 16), sequence: v.seq });
    }
  });
});

describe('framing', () => {
  it('ESP in UDP: ports 4500/4500, zero checksum (RFC 3948 §2.1)', () => {
    const esp = hex('0000a001 00000001 deadbeef');
    expect(toHex(wrapEspInUdp(esp))).toBe('1194' + '1194' + '0014' + '0000' + toHex(esp));
    expect(toHex(wrapEspInUdp(esp, { sourcePort: 1025 }).subarray(0, 4))).toBe('04011194');
    expect(NAT_T_PORT).toBe(4500);
  });

  it('refuses an ESP packet that would read as a marker or is too short', () => {
    expect(() => wrapEspInUdp(hex('00000000 00000001'))).toThrow(/SPI 0/);
    expect(() => wrapEspInUdp(hex('00000001'))).toThrow(RangeError);
  });

  it('IKE on 4500: the marker before the message', () => {
    expect(toHex(ikeNatTPayload(hex('aabb')))).toBe('00000000aabb');
  });

  it('whole IPv4 packets round-trip through parse and classify', () => {
    const esp = hex(loadEspVectors('strongswan-v2-gcm')[0]!.esp);
    const cases = [
      [buildEspInUdpIpv4Packet({ source: S, destination: D, esp, identification: 0x09f6, dontFragment: true }), 'esp', 'absent'],
      [buildIkeNatTIpv4Packet({ source: S, destination: D, ike: hex('a9de6fdf081c5201') }), 'ike', 'good'],
      [buildNatKeepaliveIpv4Packet({ source: S, destination: D }), 'keepalive', 'good'],
    ] as const;
    for (const [packet, kind, checksumStatus] of cases) {
      const ip = parseIpv4(packet);
      expect(ip.ok).toBe(true);
      if (!ip.ok) return;
      const udp = parseUdp(ip.value.payload, ip.value.header);
      expect(udp.ok).toBe(true);
      if (!udp.ok) return;
      expect(udp.value.sourcePort).toBe(4500);
      expect(udp.value.destinationPort).toBe(4500);
      expect(udp.value.checksumStatus).toBe(checksumStatus);
      const c = classifyNatTPayload(udp.value.payload);
      expect(c.kind).toBe(kind);
      if (c.kind === 'esp') expect(c.esp).toEqual(esp);
    }
  });

  it('over IPv6: next header 17, the UDP checksum present and right (RFC 8200 §8.1), the ESP intact', () => {
    const esp = hex(loadEspVectors('strongswan-v2-gcm')[0]!.esp);
    const src = hex('20010db800ff00000000000000000001');
    const dst = hex('20010db800ff00000000000000000002');
    const packet = buildEspInUdpIpv6Packet({ source: src, destination: dst, esp });
    expect(toHex(packet.subarray(0, 8))).toBe(`60000000${(8 + esp.length).toString(16).padStart(4, '0')}1140`);
    const ip = parseIpv6(packet);
    expect(ip.ok).toBe(true);
    if (!ip.ok) return;
    const udp = parseUdp(ip.value.payload, ip.value.header);
    expect(udp.ok).toBe(true);
    if (!udp.ok) return;
    expect([udp.value.sourcePort, udp.value.destinationPort, udp.value.checksumStatus]).toEqual([NAT_T_PORT, NAT_T_PORT, 'good']);
    const c = classifyNatTPayload(udp.value.payload);
    expect(c.kind === 'esp' && toHex(c.esp)).toBe(toHex(esp));
  });
});
