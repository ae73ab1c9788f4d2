/**
 * Junos `ping` output (FreeBSD ping): the PING line, one line per reply (or `!`/`.` with
 * `rapid`), then the statistics and, when anything came back, min/avg/max/stddev.
 */
import type { PingResult } from '../../../chassis/net/ping-result.js';

const ms = (x: number): string => x.toFixed(3);

export function renderPing(r: PingResult): string[] {
  const lines = [`PING ${r.host} (${r.address}): ${r.dataBytes} data bytes`];
  if (r.rapid) {
    let marks = '';
    for (let seq = 0; seq < r.sent; seq++) marks += r.replies.some((p) => p.seq === seq) ? '!' : '.';
    lines.push(marks);
  } else {
    for (let seq = 0; seq < r.sent; seq++) {
      for (const e of r.events.filter((x) => x.seq === seq)) lines.push(e.text);
      for (const p of r.replies.filter((x) => x.seq === seq)) {
        lines.push(`${p.bytes} bytes from ${p.from}: icmp_seq=${p.seq} ttl=${p.ttl} time=${ms(p.rttMs)} ms`);
      }
    }
  }
  const received = r.replies.length;
  const loss = r.sent === 0 ? 0 : Math.floor(((r.sent - received) * 100) / r.sent);
  lines.push('', `--- ${r.host} ping statistics ---`, `${r.sent} packets transmitted, ${received} packets received, ${loss}% packet loss`);
  if (received > 0) {
    const t = r.replies.map((p) => p.rttMs);
    const min = Math.min(...t);
    const max = Math.max(...t);
    const avg = t.reduce((a, b) => a + b, 0) / t.length;
    const std = Math.sqrt(t.reduce((a, b) => a + (b - avg) ** 2, 0) / t.length);
    lines.push(`round-trip min/avg/max/stddev = ${ms(min)}/${ms(avg)}/${ms(max)}/${ms(std)} ms`);
  }
  return lines;
}
