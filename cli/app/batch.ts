/**
 * `--batch`: read CLI lines from standard input, print the transcript a user would have seen
 * (prompt, the line as typed, the output), exit 0 when no command failed, 1 otherwise
 * (reference/contract.md). Questions such as "Reboot the system ?" are answered yes, and the
 * answer is echoed as a user would have typed it. After `load … terminal` the following lines
 * are the text to load, ended by a line holding `^D` (or the end of input).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ExecResult, Interpreter } from '../engine/interpreter.js';

export interface BatchOptions {
  /** Called after every command (persistence). */
  readonly onLine?: () => void | Promise<void>;
}

export async function runBatch(interp: Interpreter, input: Readable, out: Writable, opts: BatchOptions = {}): Promise<number> {
  const write = (lines: readonly string[]): void => {
    if (lines.length > 0) out.write(`${lines.join('\n')}\n`);
  };
  let failed = false;
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    const line = next.value.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#!')) continue;
    write([...interp.banner(), `${interp.prompt()}${line}`]);
    let res: ExecResult = await interp.execute(line);
    for (;;) {
      if (res.confirm) {
        write(res.lines);
        write([`${res.confirm.question}yes`]);
        res = await res.confirm.answer(true);
      } else if (res.readTerminal) {
        // `load … terminal`: the following lines are the text, up to a line holding ^D.
        write(res.lines);
        const text: string[] = [];
        for (;;) {
          const t = await lines.next();
          if (t.done) break;
          const l = t.value.replace(/\r$/, '');
          if (l === '^D' || l === '\u0004') break;
          text.push(l);
        }
        write(text);
        res = await res.readTerminal.done(text.join('\n'));
      } else break;
    }
    write(res.lines);
    if (res.error) failed = true;
    await opts.onLine?.();
    if (res.endSession) break;
  }
  rl.close();
  return failed ? 1 : 0;
}
