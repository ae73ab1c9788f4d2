/**
 * The IKE operational commands in a `--batch` transcript of the real program: prompts, output
 * and exit status like every other command (the views themselves are tested over a fake daemon
 * in test/unit/cli/ike-commands.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { outputOf, runProgram } from '../helpers/program.js';

describe('IKE commands in --batch', () => {
  it('tunnel-map is refused on the default SRX5800 (it has an SPC3); tunnel-distribution and show log answer', async () => {
    const r = await runProgram(
      ['--batch'],
      ['show security ipsec tunnel-distribution', 'show security ipsec tunnel-distribution summary', 'show log ikelog', 'show security ike tunnel-map'].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(outputOf(r.stdout, 'root@srx5800> show security ipsec tunnel-distribution')).toEqual(['  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile']);
    expect(outputOf(r.stdout, 'root@srx5800> show security ipsec tunnel-distribution summary')).toEqual(['  Number of Tunnels  FPC  PIC  Thread-ID']);
    expect(outputOf(r.stdout, 'root@srx5800> show log ikelog')).toEqual(['error: could not resolve file: ikelog']);
    expect(outputOf(r.stdout, 'root@srx5800> show security ike tunnel-map')).toEqual([
      "error: 'show security ike tunnel-map' is not valid when SPC3 cards are installed; use 'show security ipsec tunnel-distribution'",
    ]);
  });
});
