import { afterEach, describe, expect, it } from 'vitest';
import { portState } from '../../../chassis/net/ports.js';
import { renderPing } from '../../../cli/engine/render/ping.js';
import { makeDevice, type TestDevice } from '../../helpers/device.js';

const open: TestDevice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

describe('which ports exist', () => {
  it('xe ports of an online IOC4 PIC exist; service cards, empty slots, out-of-range ports do not', async () => {
    const d = makeDevice([[0, 'ioc4'], [2, 'spc3'], [3, 'ioc3']]);
    open.push(d);
    const at = (ifd: string) => portState(ifd, (s) => d.device.card(s));
    expect(at('xe-0/1/19')).toEqual({ up: true });
    expect(at('ge-0/0/0')).toEqual({ up: true });
    expect(at('xe-0/0/20')).toEqual({ up: false, why: 'FPC 0 PIC 0 has ports 0-19' });
    expect(at('et-0/0/0')).toEqual({ up: false, why: 'FPC 0 PIC 0 has no et- ports' });
    expect(at('xe-2/0/0')).toEqual({ up: false, why: 'FPC 2 is a service card (SPC3)' });
    expect(at('xe-5/0/0')).toEqual({ up: false, why: 'FPC 5 is empty' });
    expect(at('et-3/1/0')).toEqual({ up: false, why: 'FPC 3 PIC 1 is not online' });
    expect(at('st0')).toEqual({ up: true });
    await d.run('request chassis fpc slot 0 offline');
    expect(at('xe-0/0/0')).toEqual({ up: false, why: 'FPC 0 is not online' });
  });
});

describe('ping output', () => {
  it('statistics with loss and min/avg/max/stddev', () => {
    const lines = renderPing({
      host: '10.0.0.1',
      address: '10.0.0.1',
      dataBytes: 56,
      sent: 3,
      rapid: false,
      replies: [
        { seq: 0, bytes: 64, from: '10.0.0.1', ttl: 64, rttMs: 1 },
        { seq: 2, bytes: 64, from: '10.0.0.1', ttl: 64, rttMs: 3 },
      ],
      events: [{ seq: 2, text: 'Request timeout for icmp_seq 1' }],
    });
    expect(lines).toEqual([
      'PING 10.0.0.1 (10.0.0.1): 56 data bytes',
      '64 bytes from 10.0.0.1: icmp_seq=0 ttl=64 time=1.000 ms',
      'Request timeout for icmp_seq 1',
      '64 bytes from 10.0.0.1: icmp_seq=2 ttl=64 time=3.000 ms',
      '',
      '--- 10.0.0.1 ping statistics ---',
      '3 packets transmitted, 2 packets received, 33% packet loss',
      'round-trip min/avg/max/stddev = 1.000/2.000/3.000/1.000 ms',
    ]);
  });
  it('rapid: ! per reply, . per loss; no round-trip line when nothing came back', () => {
    expect(renderPing({ host: 'h', address: '10.0.0.1', dataBytes: 56, sent: 2, rapid: true, replies: [], events: [] })).toEqual([
      'PING h (10.0.0.1): 56 data bytes',
      '..',
      '',
      '--- h ping statistics ---',
      '2 packets transmitted, 0 packets received, 100% packet loss',
    ]);
  });
});
