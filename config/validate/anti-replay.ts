/**
 * Anti-replay window rules (seed, "Anti-Replay Window"):
 * - "anti-replay-window is enabled by default with a window size value of 64";
 * - "On the SRX Series 5000 line with SPC3 cards installed, you can configure the
 *   anti-replay-window size in the range of 64 to 8192 (power of 2)" — the range is the YANG
 *   range, checked when the value is typed; the power of 2 is checked here when an SPC3 is
 *   present (an SPC2-only chassis is not bound by it: the emulator's documented choice);
 * - "If anti-replay is configured at both levels, the window size configured for a VPN object
 *   level takes precedence" — effectiveAntiReplay();
 * - "You cannot disable anti-replay at the global level" — there is no global `no-anti-replay`
 *   in the schema, so `set security ipsec no-anti-replay` is a syntax error;
 * - "You cannot configure both anti-replay-window-size and no-anti-replay on a VPN object."
 */
import type { Rule, RuleError, View } from './view.js';

export const DEFAULT_ANTI_REPLAY_WINDOW = 64;

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** The window a VPN uses: 0 when anti-replay is off. */
export function effectiveAntiReplay(root: View, vpnName: string): number {
  const ipsec = root.c('security', 'ipsec');
  const ike = ipsec?.entry('vpn', vpnName)?.c('ike');
  if (ike?.has('no-anti-replay')) return 0;
  const perVpn = ike?.leaf('anti-replay-window-size');
  if (perVpn !== undefined) return Number(perVpn);
  const global = ipsec?.leaf('anti-replay-window-size');
  if (global !== undefined) return Number(global);
  return DEFAULT_ANTI_REPLAY_WINDOW;
}

export const antiReplayRule: Rule = (root, ctx) => {
  const errors: RuleError[] = [];
  const ipsec = root.c('security', 'ipsec');
  if (!ipsec) return errors;
  const checkSize = (value: string | undefined, level: string[]): void => {
    if (value === undefined || !ctx.hasSpc3) return;
    if (!isPowerOfTwo(Number(value))) {
      errors.push({
        level,
        statement: `anti-replay-window-size ${value}`,
        message: 'anti-replay-window-size must be a power of 2 (64..8192) on SRX5K-SPC3',
      });
    }
  };
  checkSize(ipsec.leaf('anti-replay-window-size'), ['security', 'ipsec']);
  for (const { keys, view } of ipsec.list('vpn')) {
    const ike = view.c('ike');
    if (!ike) continue;
    const level = ['security', 'ipsec', 'vpn', keys[0]!, 'ike'];
    checkSize(ike.leaf('anti-replay-window-size'), level);
    if (ike.has('no-anti-replay') && ike.has('anti-replay-window-size')) {
      errors.push({
        level,
        statement: 'no-anti-replay',
        message: 'anti-replay-window-size and no-anti-replay cannot both be configured on a VPN',
      });
    }
  }
  return errors;
};
