/**
 * The interactive CLI in a real terminal: tmux runs `node bin/srx5k.js` in a pseudo-terminal,
 * the test types into it with send-keys and reads the screen back with capture-pane. This is the
 * only test that sees what a user sees (raw-mode keys, ink's redraws, the cursor).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// A server of our own: killing it afterwards cannot touch anyone else's tmux sessions.
const SOCKET = `srx5k-test-${process.pid}`;
const SESSION = `srx5k-${process.pid}-${Date.now()}`;
const PROMPT = 'root@srx5800> ';
const EXIT_MARK = '[srx5k exited with status';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', SESSION);
}

/** The row the prompt sits on: ink leaves the rows under its live area empty. */
function lastLine(text: string): string {
  const rows = text.split('\n').filter((r) => r.trim() !== '');
  return rows[rows.length - 1] ?? '';
}

function cursorX(): number {
  return Number(tmux('display-message', '-p', '-t', SESSION, '#{cursor_x}').trim());
}

/** Type text literally (no key-name lookup, so `?` and spaces arrive as typed). */
function type(text: string): void {
  tmux('send-keys', '-t', SESSION, '-l', text);
}

function press(...keys: string[]): void {
  tmux('send-keys', '-t', SESSION, ...keys);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = screen();
    if (ok(text)) return text;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${text}`);
}

/** Wait until the program is back at an empty prompt (the command finished). */
function waitForPrompt(what: string): Promise<string> {
  return waitFor(what, (t) => lastLine(t) === PROMPT.trimEnd());
}

describe('interactive CLI in a real terminal (tmux)', () => {
  beforeAll(() => {
    const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error('tmux is not installed: this test drives srx5k in a real terminal through tmux (apt-get install -y tmux)');
    }
    if (!existsSync(join(ROOT, 'dist/cli/app/main.js'))) {
      throw new Error('dist/cli/app/main.js is missing: run `npm run build` before this test');
    }
    // The shell around the program reports how it ended and keeps the pane open to show it.
    const command = `node bin/srx5k.js; echo "${EXIT_MARK} $?]"; sleep 60`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', '-c', ROOT, command);
  });

  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  });

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
    tmux('resize-window', '-t', SESSION, '-x', '120', '-y', '12');
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
    tmux('resize-window', '-t', SESSION, '-x', '120', '-y', '40');
  }, 20_000);

  it('leaves on `exit`', async () => {
    type('exit');
    press('Enter');
    const text = await waitFor('the program to end', (t) => t.includes(EXIT_MARK));
    expect(text).toContain(`${EXIT_MARK} 0]`);
    expect(text).toContain(`${PROMPT}exit`);
  }, 20_000);
});
