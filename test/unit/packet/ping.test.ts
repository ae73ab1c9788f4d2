import { describe, expect, it } from 'vitest';
import {
  JUNOS_PING_DEFAULT_DATA_SIZE,
  buildJunosPingIpv4Packet,
  junosPingPayload,
  readPingTimestamp,
} from '../../../dataplane/packet/ping.js';
import { parseIcmp } from '../../../dataplane/packet/icmp.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { hex, toHex } from './helpers.js';

// 2026-01-01T00:00:00.250500Z, the --batch device clock plus 250.5 ms.
const T = Date.UTC(2026, 0, 1) + 250.5;

describe('Junos (FreeBSD) ping payload', () => {
  it('default: 56 bytes = 8-byte timestamp (sec, usec; big-endian) + bytes 0x08..0x37', () => {
    const p = junosPingPayload({ timeMs: T });
    expect(p.length).toBe(JUNOS_PING_DEFAULT_DATA_SIZE);
    // 1767225600 s = 0x6955b900, 250500 us = 0x0003d284
    expect(toHex(p.subarray(0, 8))).toBe('6955b900' + '0003d284');
    expect([...p.subarray(8)]).toEqual(Array.from({ length: 48 }, (_, i) => i + 8));
    expect(readPingTimestamp(p)).toBe(T);
  });

  it('the fill byte is the offset mod 256, for large sizes', () => {
    const p = junosPingPayload({ timeMs: 0, size: 600 });
    expect(p[255]).toBe(255);
    expect(p[256]).toBe(0);
    expect(p[599]).toBe(599 & 0xff);
  });

  it('sizes below 8 carry no timestamp and stay zero (the fill starts at 8)', () => {
    expect(toHex(junosPingPayload({ timeMs: T, size: 7 }))).toBe('00000000000000');
    expect(junosPingPayload({ timeMs: T, size: 0 }).length).toBe(0);
    expect(toHex(junosPingPayload({ timeMs: T, size: 8 }))).toBe('6955b9000003d284');
    expect(readPingTimestamp(new Uint8Array(7))).toBeUndefined();
  });

  it('pattern (ping -p) repeats after the timestamp', () => {
    const p = junosPingPayload({ timeMs: T, size: 16, pattern: hex('abcd') });
    expect(toHex(p.subarray(8))).toBe('abcdabcdabcdabcd');
    expect(() => junosPingPayload({ timeMs: T, pattern: new Uint8Array(17) })).toThrow(RangeError);
  });

  it('rounds the timestamp to the microsecond (no -1 us from float error)', () => {
    const p = junosPingPayload({ timeMs: 1767225600123.456 });
    expect(toHex(p.subarray(0, 8))).toBe('6955b900' + (123456).toString(16).padStart(8, '0'));
    const q = junosPingPayload({ timeMs: 1767225600999.9999 }); // rounds up into the next second
    expect(toHex(q.subarray(0, 8))).toBe('6955b901' + '00000000');
  });
});

describe('a whole Junos ping packet', () => {
  it('84 bytes, hand-checked: ping 10.0.0.2 source 10.0.0.1, first packet', () => {
    const p = buildJunosPingIpv4Packet({
      source: hex('0a000001'),
      destination: hex('0a000002'),
      identification: 0x1c46,
      identifier: 0x0d80,
      sequence: 0,
      timeMs: T,
    });
    expect(p.length).toBe(84);
    // IPv4: 4500 0054 1c46 0000 40 01 4a61 0a000001 0a000002
    //   checksum: 4500+0054+1c46+0000+4001+0a00+0001+0a00+0002 = b59e, ~ = 4a61
    // ICMP: 08 00 0a9f 0d80 0000, data: 6955b900 0003d284 08 09 .. 37
    expect(toHex(p)).toBe(
      '450000541c46000040014a610a0000010a000002' +
        '08000a9f0d800000' +
        '6955b9000003d284' +
        '08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    );
    const ip = parseIpv4(p);
    expect(ip.ok).toBe(true);
    if (!ip.ok) return;
    const icmp = parseIcmp(ip.value.payload);
    expect(icmp.ok && icmp.value.kind === 'echo-request' && icmp.value.sequence).toBe(0);
  });
});
