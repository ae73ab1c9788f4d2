/**
 * The interactive CLI in a real terminal: tmux runs `node bin/srx5k.js` in a pseudo-terminal,
 * the test types into it with send-keys and reads the screen back with capture-pane. This is the
 * only test that sees what a user sees (raw-mode keys, ink's redraws, the cursor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_MARK, lastLine, TmuxSession } from '../helpers/tmux.js';

const PROMPT = 'root@srx5800> ';
const term = new TmuxSession('cli');
const type = (text: string): void => term.type(text);
const press = (...keys: string[]): void => term.press(...keys);
const cursorX = (): number => term.cursorX();
const waitFor = (what: string, ok: (text: string) => boolean): Promise<string> => term.waitFor(what, ok);
/** Wait until the program is back at an empty prompt (the command finished). */
const waitForPrompt = (what: string): Promise<string> => term.waitForLine(what, PROMPT);

describe('interactive CLI in a real terminal (tmux)', () => {
  beforeAll(() => term.start());
  afterAll(() => term.stop());

  it('shows the operational prompt', async () => {
    const text = await waitFor('the prompt', (t) => t.includes(PROMPT.trimEnd()));
    expect(lastLine(text)).toBe(PROMPT.trimEnd());
    expect(cursorX()).toBe(PROMPT.length);
  }, 20_000);

  it('completes a word with TAB', async () => {
    type('show chas');
    press('Tab');
    const text = await waitFor('TAB to complete `chas`', (t) => lastLine(t) === `${PROMPT}show chassis`);
    expect(text).not.toContain('show chas\n');
    // The completion ends with a blank, which capture-pane trims: the cursor shows it.
    expect(cursorX()).toBe(`${PROMPT}show chassis `.length);
  }, 20_000);

  it('lists the possible completions on `?` and gives the line back', async () => {
    type('?');
    const text = await waitFor('the completions', (t) => t.includes('Possible completions:') && lastLine(t) === `${PROMPT}show chassis`);
    expect(text).toContain(`${PROMPT}show chassis ?`);
    expect(text).toMatch(/^ {2}hardware +\S/m);
    expect(text).toMatch(/^ {2}fpc +\S/m);
    // `?` itself was not inserted into the line.
    expect(cursorX()).toBe(`${PROMPT}show chassis `.length);
  }, 20_000);

  it('runs `show chassis fpc pic-status`', async () => {
    type('fpc pic-status');
    press('Enter');
    const text = await waitForPrompt('the pic-status output');
    expect(text).toContain(`${PROMPT}show chassis fpc pic-status`);
    expect(text).toContain('SPU Cp-Flow');
  }, 20_000);

  it('runs an abbreviated `sh ver`', async () => {
    type('sh ver');
    press('Enter');
    const text = await waitFor('the version output', (t) => t.includes('Hostname: srx5800') && lastLine(t) === PROMPT.trimEnd());
    expect(text).toContain(`${PROMPT}sh ver`);
  }, 20_000);

  it('recalls the previous command with Up', async () => {
    press('Up');
    await waitFor('history to recall `sh ver`', (t) => lastLine(t) === `${PROMPT}sh ver`);
    press('Up');
    await waitFor('history to recall the command before', (t) => lastLine(t) === `${PROMPT}show chassis fpc pic-status`);
    press('C-u');
    await waitFor('Ctrl-U to empty the line', (t) => lastLine(t) === PROMPT.trimEnd());
  }, 20_000);

  it('pages long output with ---(more)--- and stops on q', async () => {
    term.resize(120, 12);
    type('show chassis hardware');
    press('Enter');
    const first = await waitFor('the more-prompt', (t) => /^---\(more \d+%\)---$/.test(lastLine(t)));
    const pct = Number(/(\d+)%/.exec(lastLine(first))![1]);
    press('Space');
    const second = await waitFor('the next page', (t) => {
      const m = /^---\(more (\d+)%\)---$/.exec(lastLine(t));
      return m !== null && Number(m[1]) > pct;
    });
    expect(second).not.toEqual(first);
    press('q');
    await waitForPrompt('q to leave the pager');
    term.resize(120, 40);
  }, 20_000);

  it('leaves on `exit`', async () => {
    type('exit');
    press('Enter');
    const text = await waitFor('the program to end', (t) => t.includes(EXIT_MARK));
    expect(text).toContain(`${EXIT_MARK} 0]`);
    expect(text).toContain(`${PROMPT}exit`);
  }, 20_000);
});

describe('ping in a real terminal prints each reply as it arrives', () => {
  const ping = new TmuxSession('ping');
  beforeAll(() => ping.start(['--topology', 'test/fixtures/topology/two-devices.yaml']));
  afterAll(() => ping.stop());

  it('shows icmp_seq=0 seconds before the statistics', async () => {
    await ping.waitFor('the prompt of fw1', (t) => lastLine(t) === 'root@fw1>', 20_000);
    ping.type('ping 192.0.2.2 count 3 interval 3');
    ping.press('Enter');
    // The wall clock runs here: the replies are 3 s apart, the statistics come after the third.
    const first = await ping.waitFor('the first reply', (t) => t.includes('icmp_seq=0'));
    expect(first).toContain('PING 192.0.2.2 (192.0.2.2): 56 data bytes');
    expect(first).not.toContain('ping statistics');
    const done = await ping.waitFor('the statistics', (t) => t.includes('3 packets received') && lastLine(t) === 'root@fw1>', 20_000);
    expect(done).toMatch(/icmp_seq=0[^]*icmp_seq=1[^]*icmp_seq=2[^]*--- 192\.0\.2\.2 ping statistics ---/);
  }, 40_000);

  it('without count pings until ^C, then prints the statistics', async () => {
    ping.type('ping 192.0.2.2');
    ping.press('Enter');
    // What this ping printed: '' until its command line has been submitted.
    const thisRun = (t: string): string => {
      const parts = t.split('root@fw1> ping 192.0.2.2\n');
      return parts.length > 1 ? parts.pop()! : '';
    };
    await ping.waitFor('the second reply', (t) => thisRun(t).includes('icmp_seq=1 '));
    ping.press('C-c');
    const done = await ping.waitFor('the statistics after ^C', (t) => thisRun(t).includes('packets transmitted') && lastLine(t) === 'root@fw1>');
    const run = thisRun(done);
    expect(run).toMatch(/icmp_seq=1 [^]*\n\^C\n\n--- 192\.0\.2\.2 ping statistics ---\n(\d+) packets transmitted, \1 packets received, 0% packet loss/);
  }, 40_000);

  it('a ^C typed ahead with the line interrupts that ping (echoed where it was typed), not the next prompt', async () => {
    ping.type('ping 192.0.2.3');
    ping.press('Enter', 'C-c');
    const done = await ping.waitFor('the statistics', (t) => t.includes('--- 192.0.2.3 ping statistics ---') && lastLine(t) === 'root@fw1>');
    expect(done.split('root@fw1> ping 192.0.2.3\n').pop()).toMatch(/^\^C\nPING 192\.0\.2\.3 \(192\.0\.2\.3\): 56 data bytes\n\n--- 192\.0\.2\.3 ping statistics ---\n0 packets transmitted, 0 packets received, ?\nroot@fw1>\s*$/);
  }, 40_000);
});
