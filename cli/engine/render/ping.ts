/**
 * Junos `ping` output. Junos runs FreeBSD's ping for IPv4 and ping6 for IPv6, and the two print
 * differently (read in FreeBSD's sbin/ping/ping.c and sbin/ping6/ping6.c):
 *
 *   ping:  `PING host (addr): 56 data bytes`, `64 bytes from addr: icmp_seq=0 ttl=64 time=… ms`,
 *          `Request timeout for icmp_seq N`, `N% packet loss` (an integer),
 *          `round-trip min/avg/max/stddev = …`;
 *   ping6: `PING6(56=40+8+8 bytes) src --> dst` (IPv6 + ICMPv6 header + data),
 *          `16 bytes from addr, icmp_seq=0 hlim=64 time=… ms` (time only when the data holds
 *          the 8-byte timestamp), no timeout lines, `--- host ping6 statistics ---`,
 *          `N.N% packet loss` (`%.1f`), `round-trip min/avg/max/std-dev = …`.
 *
 * With `rapid`, one `!` per reply and `.` per loss replace the per-packet lines (Junos).
 * The pieces are separate so a terminal can print the header and each reply as it happens
 * (cli/engine/commands/ping.ts) and the summary at the end.
 */
import type { PingReply, PingResult } from '../../../chassis/net/ping-result.js';
import type { Ping6Result } from '../../../chassis/net/stack.js';

/**
 * printf's `%.Nf`: like toFixed, except that an exact tie rounds to even as C libraries do
 * (toFixed rounds it up: 6.25 gives "6.3" where printf("%.1f") prints "6.2").
 */
export function cFixed(x: number, digits: number): string {
  const fixed = x.toFixed(digits);
  const text = String(Math.abs(x));
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m || m[2]!.length !== digits + 1 || !m[2]!.endsWith('5')) return fixed;
  // The double is exactly that decimal only if 5^(digits+1) divides its digits (then it is a
  // dyadic fraction): only then is it a true tie.
  const n = BigInt(m[1]! + m[2]!);
  if (n % 5n ** BigInt(digits + 1) !== 0n) return fixed;
  const scaled = n / 10n; // truncated: the candidate below the tie
  const even = scaled % 2n === 0n ? scaled : scaled + 1n;
  const s = even.toString().padStart(digits + 1, '0');
  const out = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return x < 0 ? `-${out}` : out;
}

const ms = (x: number): string => cFixed(x, 3);

function isPing6(r: PingResult | Ping6Result): r is Ping6Result {
  return 'family' in r && r.family === 'inet6';
}

function rapidMarks(r: PingResult): string {
  let marks = '';
  for (let seq = 0; seq < r.sent; seq++) marks += r.replies.some((p) => p.seq === seq) ? '!' : '.';
  return marks;
}

/** The first line: `PING host (addr): N data bytes`, or ping6's `PING6(…) src --> dst`. */
export function pingHeader(r: PingResult | Ping6Result): string {
  if (isPing6(r)) return `PING6(${40 + 8 + r.dataBytes}=40+8+${r.dataBytes} bytes) ${r.source} --> ${r.address}`;
  return `PING ${r.host} (${r.address}): ${r.dataBytes} data bytes`;
}

/** The line ping prints for one reply (pr_pack). */
export function pingReplyLine(r: PingResult | Ping6Result, p: PingReply): string {
  if (isPing6(r)) {
    // ping6 times a round trip only when the data can hold its 8-byte timestamp (struct tv32).
    const timing = r.dataBytes >= 8;
    return `${p.bytes} bytes from ${p.from}, icmp_seq=${p.seq} hlim=${p.ttl}${timing ? ` time=${ms(p.rttMs)} ms` : ''}`;
  }
  return `${p.bytes} bytes from ${p.from}: icmp_seq=${p.seq} ttl=${p.ttl} time=${ms(p.rttMs)} ms`;
}

/** The whole output once the ping is over: header, per-packet lines (or rapid marks), summary. */
export function renderPing(r: PingResult | Ping6Result): string[] {
  const lines = [pingHeader(r)];
  if (r.rapid) {
    lines.push(rapidMarks(r));
  } else {
    for (let seq = 0; seq < r.sent; seq++) {
      for (const e of r.events.filter((x) => x.seq === seq)) lines.push(e.text);
      for (const p of r.replies.filter((x) => x.seq === seq)) lines.push(pingReplyLine(r, p));
    }
  }
  return [...lines, ...pingSummary(r)];
}

/** What ping prints when it ends (summary()): a blank line, the statistics, the round trips. */
export function pingSummary(r: PingResult | Ping6Result): string[] {
  if (isPing6(r)) return ping6Summary(r);
  const received = r.replies.length;
  // ping.c prints the loss only when something was sent (a ^C before the first request).
  let stats = `${r.sent} packets transmitted, ${received} packets received, `;
  if (r.sent > 0) stats += `${Math.floor(((r.sent - received) * 100) / r.sent)}% packet loss`;
  const lines = ['', `--- ${r.host} ping statistics ---`, stats];
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

/** ping6.c summary(). */
function ping6Summary(r: Ping6Result): string[] {
  const timing = r.dataBytes >= 8;
  const received = r.replies.length;
  let stats = `${r.sent} packets transmitted, ${received} packets received, `;
  if (r.sent > 0) stats += received > r.sent ? "-- somebody's duplicating packets!" : `${cFixed(((r.sent - received) * 100) / r.sent, 1)}% packet loss`;
  const lines = ['', `--- ${r.host} ping6 statistics ---`, stats];
  if (received > 0 && timing) {
    const t = r.replies.map((p) => p.rttMs);
    const sum = t.reduce((a, b) => a + b, 0);
    const sumSq = t.reduce((a, b) => a + b * b, 0);
    const avg = sum / t.length;
    // ping6 computes sqrt(tsumsq / n − avg²); rounding can make that a hair below zero, which
    // would print "nan": clamped to 0.
    const dev = Math.sqrt(Math.max(0, sumSq / t.length - avg * avg));
    lines.push(`round-trip min/avg/max/std-dev = ${ms(Math.min(...t))}/${ms(avg)}/${ms(Math.max(...t))}/${ms(dev)} ms`);
  }
  return lines;
}
