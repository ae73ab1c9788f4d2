/** `ping [inet|inet6] HOST [options]`, originated by the device on the console. */
import { failure, keyword, output, positional, uintValue, wordValue, type CommandNode, type CommandOutput, type Invocation } from '../grammar.js';
import { pingHeader, pingReplyLine, pingSummary, renderPing } from '../render/ping.js';
import type { CommandContext } from './context.js';

/** ping's largest count (the `count` range's top): "until interrupted" in practice. */
const UNTIL_INTERRUPTED = 2_000_000_000;

export function pingCommand(ctx: CommandContext): CommandNode {
  return keyword('ping', 'Ping remote target', {
    // `inet` / `inet6` may come before the host (`ping inet6 2001:db8::2`) or among the
    // options after it; without either, an address with ':' is pinged over IPv6 (ping6).
    children: ((): CommandNode[] => {
      const family = (): CommandNode[] => [keyword('inet', 'Force ping to IPv4 destination'), keyword('inet6', 'Force ping to IPv6 destination')];
      const host = (withFamily: boolean): CommandNode =>
        positional(wordValue('host', 'Hostname or IP address of remote host'), {
          run: (inv) => ping(ctx, inv),
          optionsAnyOrder: true,
          children: [
            keyword('count', 'Number of ping requests to send', { value: uintValue('count', 'Number of ping requests to send', 1, 2000000000) }),
            ...(withFamily ? family() : []),
            keyword('interval', 'Delay between ping requests (seconds)', { value: uintValue('interval', 'Delay between ping requests (seconds)', 1, 10000) }),
            keyword('rapid', 'Send requests rapidly (default count of 5)'),
            keyword('size', 'Size of request packets (0..65468 bytes)', { value: uintValue('size', 'Size of request packets', 0, 65468) }),
            keyword('source', 'Source address of echo request', { value: wordValue('source', 'Source address of echo request') }),
            keyword('ttl', 'IP time-to-live value (IPv6 hop-limit value) (hops)', { value: uintValue('ttl', 'IP time-to-live value', 1, 255) }),
            keyword('wait', 'Delay after sending last packet (seconds)', { value: uintValue('wait', 'Delay after sending last packet', 1, 86400) }),
          ],
  });
        return [...family().map((k) => ({ ...k, children: [host(false)] })), host(true)];
      })(),
    });
}

/**
 * `ping [inet|inet6] HOST …`. Without `count`, Junos pings until interrupted: so does a terminal
 * here (^C); a batch run cannot be interrupted, so there it sends 5, as `rapid` does everywhere.
 * An IPv6 destination (an address with ':', or `inet6`) runs ping6 and prints as it does.
 */
async function ping(ctx: CommandContext, inv: Invocation): Promise<CommandOutput> {
  const stack = ctx.topology.stack(ctx.topology.current);
  const num = (k: string): number | undefined => inv.args.get(k) as number | undefined;
  if (inv.words.has('inet') && inv.words.has('inet6')) return failure('inet and inet6 are mutually exclusive');
  const family = inv.words.has('inet6') ? 'inet6' : inv.words.has('inet') ? 'inet' : undefined;
  // At a terminal (no rapid marks, no pipes), each line is printed when ping would print it.
  const emit = inv.words.has('rapid') ? undefined : inv.emit;
  let head: Parameters<typeof pingReplyLine>[0] | undefined;
  const result = await stack.ping({
    ...(emit
      ? {
          observer: {
            start: (h) => {
              head = h;
              emit([pingHeader(h)]);
            },
            reply: (p) => emit([pingReplyLine(head!, p)]),
            event: (e) => emit([e.text]),
          },
        }
      : {}),
    host: inv.args.get('host') as string,
    ...(family !== undefined ? { family } : {}),
    count: num('count') ?? (inv.signal && !inv.words.has('rapid') ? UNTIL_INTERRUPTED : 5),
    ...(inv.signal ? { signal: inv.signal } : {}),
    rapid: inv.words.has('rapid'),
    ...(inv.args.get('source') !== undefined ? { source: inv.args.get('source') as string } : {}),
    ...(num('size') !== undefined ? { size: num('size')! } : {}),
    ...(num('interval') !== undefined ? { interval: num('interval')! } : {}),
    ...(num('wait') !== undefined ? { wait: num('wait')! } : {}),
    ...(num('ttl') !== undefined ? { ttl: num('ttl')! } : {}),
  });
  if ('error' in result) return { lines: [result.error], error: true };
  return output(emit ? pingSummary(result) : renderPing(result));
}
