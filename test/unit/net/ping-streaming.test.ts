import { afterEach, describe, expect, it } from 'vitest';
import { closeLabs, lab } from '../../helpers/lab.js';

afterEach(closeLabs);

/** Run a line as the terminal does: lines emitted while it runs, then the result's lines. */
async function atTerminal(l: ReturnType<typeof lab>, line: string): Promise<{ emitted: string[][]; returned: string[] }> {
  const emitted: string[][] = [];
  const res = await l.cli.execute(line, { emit: (lines) => emitted.push([...lines]) });
  return { emitted, returned: res.lines };
}

describe('ping at a terminal prints each line when ping would', () => {
  it('header first, one emission per reply, the summary at the end; the same lines as a batch run', async () => {
    const l = lab('two-devices.yaml');
    const live = await atTerminal(l, 'ping 192.0.2.2 count 3');
    expect(live.emitted.map((e) => e.length)).toEqual([1, 1, 1, 1]);
    expect(live.emitted[0]).toEqual(['PING 192.0.2.2 (192.0.2.2): 56 data bytes']);
    expect(live.emitted.slice(1).map((e) => e[0]!.replace(/time=[\d.]+/, 'time=T'))).toEqual([0, 1, 2].map((s) => `64 bytes from 192.0.2.2: icmp_seq=${s} ttl=64 time=T ms`));
    expect(live.returned.slice(0, 3)).toEqual(['', '--- 192.0.2.2 ping statistics ---', '3 packets transmitted, 3 packets received, 0% packet loss']);
    // Batch (no emit) prints the same lines, all at the end.
    const batch = (await l.cli.execute('ping 192.0.2.2 count 3')).lines;
    const strip = (xs: string[]): string[] => xs.map((x) => x.replace(/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms|time=[\d.]+/, 'T'));
    expect(strip(batch)).toEqual(strip([...live.emitted.flat(), ...live.returned]));
  });

  it('pipes see the whole output, so nothing is emitted; rapid marks come at the end', async () => {
    const l = lab('two-devices.yaml');
    const piped = await atTerminal(l, 'ping 192.0.2.2 count 2 | match icmp_seq');
    expect(piped.emitted).toEqual([]);
    expect(piped.returned.map((x) => x.replace(/time=[\d.]+/, 'time=T'))).toEqual([0, 1].map((s) => `64 bytes from 192.0.2.2: icmp_seq=${s} ttl=64 time=T ms`));
    const rapid = await atTerminal(l, 'ping 192.0.2.2 count 4 rapid');
    expect(rapid.emitted).toEqual([]);
    expect(rapid.returned.slice(0, 2)).toEqual(['PING 192.0.2.2 (192.0.2.2): 56 data bytes', '!!!!']);
  });

  it('an unanswered request is reported when the next one is sent, every time, never the last one', async () => {
    const l = lab('two-devices.yaml');
    const live = await atTerminal(l, 'ping 192.0.2.99 count 4');
    expect(live.emitted.flat()).toEqual([
      'PING 192.0.2.99 (192.0.2.99): 56 data bytes',
      'Request timeout for icmp_seq 0',
      'Request timeout for icmp_seq 1',
      'Request timeout for icmp_seq 2',
    ]);
    expect(live.returned).toEqual(['', '--- 192.0.2.99 ping statistics ---', '4 packets transmitted, 0 packets received, 100% packet loss']);
    // The batch output has the same three timeouts.
    expect((await l.cli.execute('ping 192.0.2.99 count 4')).lines.filter((x) => x.startsWith('Request timeout'))).toHaveLength(3);
  });

  it('without count: until interrupted at a terminal (^C aborts the signal), 5 requests in a batch run', async () => {
    const l = lab('two-devices.yaml');
    const stop = new AbortController();
    const emitted: string[] = [];
    const res = await l.cli.execute('ping 192.0.2.2', {
      emit: (lines) => {
        emitted.push(...lines);
        if (emitted.filter((x) => x.includes('icmp_seq=')).length === 3) stop.abort();
      },
      signal: stop.signal,
    });
    expect(emitted.filter((x) => x.includes('icmp_seq='))).toHaveLength(3);
    expect(res.lines.slice(0, 3)).toEqual(['', '--- 192.0.2.2 ping statistics ---', '3 packets transmitted, 3 packets received, 0% packet loss']);
    expect((await l.cli.execute('ping 192.0.2.2')).lines).toContain('5 packets transmitted, 5 packets received, 0% packet loss');
    // With a count, ^C still stops it early; rapid without count sends 5 even at a terminal.
    const early = new AbortController();
    const counted = await l.cli.execute('ping 192.0.2.2 count 100', { emit: (lines) => lines.some((x) => x.includes('icmp_seq=1 ')) && early.abort(), signal: early.signal });
    expect(counted.lines).toContain('2 packets transmitted, 2 packets received, 0% packet loss');
    expect((await l.cli.execute('ping 192.0.2.2 rapid', { signal: new AbortController().signal })).lines).toContain('5 packets transmitted, 5 packets received, 0% packet loss');
  });
});

