/**
 * Drives the real `srx5k` program in a real terminal: tmux runs it in a pseudo-terminal, tests
 * type with send-keys and read the screen with capture-pane. Each session gets a tmux server of
 * its own, so killing it cannot touch anyone else's sessions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './program.js';

export const EXIT_MARK = '[srx5k exited with status';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The row the prompt sits on: ink leaves the rows under its live area empty. */
export function lastLine(text: string): string {
  const rows = text.split('\n').filter((r) => r.trim() !== '');
  return rows[rows.length - 1] ?? '';
}

export class TmuxSession {
  private readonly socket: string;
  readonly name: string;

  constructor(tag: string) {
    this.socket = `srx5k-${tag}-${process.pid}`;
    this.name = `srx5k-${tag}-${process.pid}-${Date.now()}`;
  }

  /** Start `node bin/srx5k.js ARGS` in a width × height terminal. */
  start(args: readonly string[] = [], width = 120, height = 40): void {
    const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error('tmux is not installed: this test drives srx5k in a real terminal through tmux (apt-get install -y tmux)');
    }
    if (!existsSync(join(ROOT, 'dist/cli/app/main.js'))) {
      throw new Error('dist/cli/app/main.js is missing: run `npm run build` before this test');
    }
    // The shell around the program reports how it ended and keeps the pane open to show it.
    const command = `node bin/srx5k.js ${args.join(' ')}; echo "${EXIT_MARK} $?]"; sleep 60`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(width), '-y', String(height), '-c', ROOT, command);
  }

  stop(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  cursorX(): number {
    return Number(this.tmux('display-message', '-p', '-t', this.name, '#{cursor_x}').trim());
  }

  /** Type text literally (no key-name lookup, so `?` and spaces arrive as typed). */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  async waitFor(what: string, ok: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    for (;;) {
      text = this.screen();
      if (ok(text)) return text;
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${text}`);
  }

  /** Wait until the last non-empty row is exactly `line`. */
  waitForLine(what: string, line: string): Promise<string> {
    return this.waitFor(what, (t) => lastLine(t) === line.trimEnd());
  }
}
