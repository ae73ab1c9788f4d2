/**
 * A long-lived `srx5k --batch` process driven line by line: each `run` writes one command and
 * waits for its whole output. Batch mode echoes `prompt command` when it takes a line, so a
 * command's output ends where the next echoed line starts; `run` follows each command with a
 * sentinel (`show system uptime | count`) and waits for the sentinel's `Count:` line.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { outputOf } from './program.js';

const SENTINEL = 'show system uptime | count';

export class BatchSession {
  private out = '';
  private readonly exited: Promise<number | null>;
  private sentinels = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly prompt: string,
  ) {
    child.stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((r) => child.on('close', r));
  }

  /** Everything printed so far. */
  transcript(): string {
    return this.out;
  }

  /** Run one command (operational or configuration) and return its output lines. */
  async run(command: string, timeoutMs = 30_000): Promise<string[]> {
    const mode = command === 'configure' ? '>' : null;
    const echoed = `${this.prompt}${mode ?? this.currentMode()} ${command}`;
    const n = this.counts.get(echoed) ?? 0;
    this.counts.set(echoed, n + 1);
    const want = ++this.sentinels;
    // The sentinel runs in the mode the command leaves the CLI in.
    const after = command === 'configure' ? '#' : /^(exit|quit|commit and-quit)\b/.test(command) && this.mode === '#' ? '>' : this.mode;
    this.child.stdin.write(`${command}\n${after === '#' ? 'run ' : ''}${SENTINEL}\n`);
    const deadline = Date.now() + timeoutMs;
    while (this.countSentinels() < want) {
      if (this.child.exitCode !== null) throw new Error(`srx5k exited while running '${command}':\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms running '${command}':\n${this.out.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.mode = after;
    return outputOf(this.out, echoed, n);
  }

  private mode: '>' | '#' = '>';

  private currentMode(): '>' | '#' {
    return this.mode;
  }

  private countSentinels(): number {
    return this.out.split('\n').filter((l) => /^Count: \d+ lines?$/.test(l)).length;
  }

  /** Close standard input (the program exits at the end of its input); resolves with the exit code. */
  close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}
