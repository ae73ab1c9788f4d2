/**
 * The interactive Junos terminal: an ink app around the headless Interpreter. Finished output
 * goes to ink's <Static> so it scrolls away like ordinary terminal text; the live area below it
 * only ever holds what Junos itself would redraw (the prompt and the line being edited, the
 * `---(more)---` prompt, or a yes/no question). Device state belongs to the Interpreter: this
 * file keeps nothing but the terminal's own state (line editor, history, pager).
 */
import type { Instance } from 'ink';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ExecResult, Interpreter } from '../engine/interpreter.js';
import * as ed from './line-editor.js';
import { morePrompt, pagerCommandFor, pagerStep, startPager, type Pager } from './pager.js';

export interface InteractiveOptions {
  /** Called after every executed command (the caller persists the device state there). */
  readonly onLine?: () => Promise<void> | void;
}

type InkModule = typeof import('ink');

/**
 * Ink is loaded by runInteractive (see loadInk) before anything renders; the components below
 * only run after that.
 */
let ink!: InkModule;

/**
 * Ink decides once, when it is first loaded, whether it runs under CI (a CI or
 * CONTINUOUS_INTEGRATION variable) and then never draws its live area, which here would hide the
 * prompt. This app only runs on a real terminal, so load ink with that test answering no, and
 * give the environment back untouched.
 */
async function loadInk(): Promise<InkModule> {
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((n) => [n, process.env[n]] as const);
  for (const n of names) delete process.env[n];
  try {
    return await import('ink');
  } finally {
    for (const [n, v] of saved) if (v !== undefined) process.env[n] = v;
  }
}

interface LogRow {
  readonly id: number;
  readonly text: string;
}

type Live =
  | { readonly kind: 'line'; readonly banner: readonly string[]; readonly prompt: string; readonly text: string; readonly cursor: number }
  | { readonly kind: 'more'; readonly prompt: string }
  | { readonly kind: 'idle' };

interface Screen {
  /** Never mutated: each print makes a new array, which is how <Static> notices new rows. */
  readonly log: LogRow[];
  readonly live: Live;
}

type Mode =
  | { readonly kind: 'command' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'confirm'; readonly question: string; readonly editor: ed.EditorState; readonly answer: (yes: boolean) => Promise<ExecResult> }
  /** `load … terminal`: lines typed until ^D on an empty line are the text to load. */
  | { readonly kind: 'terminal'; readonly editor: ed.EditorState; readonly lines: readonly string[]; readonly done: (text: string) => Promise<ExecResult> }
  | { readonly kind: 'more'; readonly pager: Pager; readonly then: () => Promise<void> }
  | { readonly kind: 'closed' };

interface TermSize {
  readonly columns: number;
  readonly rows: number;
}

/** Cut a line into terminal rows: the terminal wraps at the last column, not at word breaks. */
function chunk(line: string, columns: number): string[] {
  const width = Math.max(1, columns);
  if (line.length <= width) return [line];
  const rows: string[] = [];
  for (let i = 0; i < line.length; i += width) rows.push(line.slice(i, i + width));
  return rows;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The terminal session as a small state machine outside React, so key handling can await the
 * interpreter without racing renders. Keys are queued and handled one at a time: what is typed
 * while a command runs (or pasted with several lines) is processed afterwards, in order.
 */
class Terminal {
  private editor = ed.newEditor();
  private mode: Mode = { kind: 'command' };
  private log: LogRow[] = [];
  private nextId = 0;
  private screen: Screen;
  private readonly listeners = new Set<() => void>();
  private queue: ed.Keystroke[] = [];
  private pumping = false;
  /** The command now running, to interrupt with ^C. */
  private running: AbortController | null = null;

  constructor(
    private readonly interp: Interpreter,
    private readonly opts: InteractiveOptions,
    private readonly size: () => TermSize,
    private readonly onClose: () => void,
  ) {
    this.screen = { log: this.log, live: this.live() };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): Screen => this.screen;

  feed(keys: readonly ed.Keystroke[]): void {
    if (this.mode.kind === 'closed') return;
    this.queue.push(...keys);
    // ^C while a command runs interrupts it (ping stops and prints its statistics), as a tty
    // does, instead of waiting its turn with the keys typed ahead.
    if (this.running) this.interruptIfAsked();
    void this.pump();
  }

  /** Take a ^C out of the keys waiting and interrupt the running command with it. */
  private interruptIfAsked(): void {
    const at = this.queue.findIndex((k) => k.kind === 'ctrl' && k.letter === 'c');
    if (at < 0 || !this.running) return;
    this.queue.splice(at, 1);
    this.print(['^C']);
    this.running.abort();
    this.running = null;
    this.publish();
  }

  close(): void {
    if (this.mode.kind === 'closed') return;
    this.mode = { kind: 'closed' };
    this.queue = [];
    this.publish();
    this.onClose();
  }

  /**
   * Switch mode, unless the session already ended: the terminal can go away while a command is
   * still running, and its completion must not bring the prompt back.
   */
  private enter(mode: Mode): void {
    if (this.mode.kind !== 'closed') this.mode = mode;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.mode.kind !== 'closed') {
        const key = this.queue.shift()!;
        try {
          await this.key(key);
        } catch (err) {
          // A bug in the terminal must not take the session down with it.
          this.print([`error: internal failure: ${message(err)}`]);
          this.enter({ kind: 'command' });
        }
        this.publish();
      }
    } finally {
      this.pumping = false;
    }
  }

  private publish(): void {
    this.screen = { log: this.log, live: this.live() };
    for (const l of this.listeners) l();
  }

  private live(): Live {
    switch (this.mode.kind) {
      case 'command':
        return { kind: 'line', banner: this.interp.banner(), prompt: this.interp.prompt(), text: this.editor.text, cursor: this.editor.cursor };
      case 'confirm':
        return { kind: 'line', banner: [], prompt: this.mode.question, text: this.mode.editor.text, cursor: this.mode.editor.cursor };
      case 'terminal':
        return { kind: 'line', banner: [], prompt: '', text: this.mode.editor.text, cursor: this.mode.editor.cursor };
      case 'more':
        return { kind: 'more', prompt: morePrompt(this.mode.pager) };
      default:
        return { kind: 'idle' };
    }
  }

  private rows(lines: readonly string[]): string[] {
    const { columns } = this.size();
    return lines.flatMap((l) => chunk(l, columns));
  }

  private printRows(rows: readonly string[]): void {
    if (rows.length === 0) return;
    this.log = this.log.concat(rows.map((text) => ({ id: this.nextId++, text })));
  }

  private print(lines: readonly string[]): void {
    this.printRows(this.rows(lines));
  }

  /** Put the prompt and the line as they stand into the log, as the terminal would keep them. */
  private echo(text: string): void {
    this.print([...this.interp.banner(), `${this.interp.prompt()}${text}`]);
  }

  private async key(k: ed.Keystroke): Promise<void> {
    switch (this.mode.kind) {
      case 'command':
        return this.commandKey(k);
      case 'confirm':
        return this.confirmKey(k, this.mode);
      case 'terminal':
        return this.terminalKey(k, this.mode);
      case 'more':
        return this.moreKey(k, this.mode);
      default:
        return;
    }
  }

  private async commandKey(k: ed.Keystroke): Promise<void> {
    const { text, cursor } = this.editor;
    if (k.kind === 'enter') return this.submit();
    if (k.kind === 'tab') return this.complete();
    if (k.kind === 'char' && k.char === '?' && !ed.insideQuotes(text.slice(0, cursor))) return this.help();
    if (k.kind === 'ctrl' && k.letter === 'c') {
      this.echo(`${text}^C`);
      this.editor = ed.abandon(this.editor);
      return;
    }
    if (k.kind === 'ctrl' && k.letter === 'd' && text === '') {
      // Keep the last prompt on screen: the live area is erased when the app goes away.
      this.echo('');
      this.close();
      return;
    }
    this.editor = ed.edit(this.editor, k) ?? this.editor;
  }

  private async submit(): Promise<void> {
    const { line, state } = ed.commit(this.editor);
    this.editor = state;
    this.echo(line);
    // An empty Enter just gives a new prompt: nothing ran, so there is nothing to save.
    if (line.trim() === '') return;
    this.enter({ kind: 'busy' });
    this.publish();
    let res: ExecResult;
    try {
      const running = new AbortController();
      this.running = running;
      // A ^C typed ahead with the line interrupts the command it follows.
      this.interruptIfAsked();
      res = await this.interp.execute(line, {
        // Lines a command prints while it runs (ping's replies) show at once, above the live area.
        emit: (lines) => {
          this.print(lines);
          this.publish();
        },
        signal: running.signal,
      });
    } catch (err) {
      res = { lines: [`error: internal failure: ${message(err)}`], error: true, noMore: false, endSession: false };
    } finally {
      this.running = null;
    }
    await this.present(res);
  }

  /** Show a command's result: ask its question first, page long output, then finish the line. */
  private async present(res: ExecResult): Promise<void> {
    const confirm = res.confirm;
    if (confirm) {
      this.print(res.lines);
      this.enter({ kind: 'confirm', question: confirm.question, editor: ed.newEditor(), answer: (yes) => confirm.answer(yes) });
      return;
    }
    const reader = res.readTerminal;
    if (reader) {
      this.print(res.lines);
      this.enter({ kind: 'terminal', editor: ed.newEditor(), lines: [], done: (text) => reader.done(text) });
      return;
    }
    await this.output(res.lines, res.noMore, () => this.finish(res));
  }

  private async output(lines: readonly string[], noMore: boolean, then: () => Promise<void>): Promise<void> {
    const rows = this.rows(lines);
    if (noMore) {
      this.printRows(rows);
      return then();
    }
    // Ink ends its live output with a newline, so the terminal's bottom row always stays empty:
    // page against the rows above it, or each page would push one unseen row off the top.
    const step = startPager(rows, this.size().rows - 1);
    this.printRows(step.emit);
    if (step.done) return then();
    this.enter({ kind: 'more', pager: step.pager, then });
  }

  private async finish(res: ExecResult): Promise<void> {
    try {
      await this.opts.onLine?.();
    } catch (err) {
      this.print([`error: could not save the device state: ${message(err)}`]);
    }
    if (res.endSession) {
      this.close();
      return;
    }
    this.enter({ kind: 'command' });
  }

  private async moreKey(k: ed.Keystroke, mode: Extract<Mode, { kind: 'more' }>): Promise<void> {
    const cmd = pagerCommandFor(k);
    if (!cmd) return;
    const step = pagerStep(mode.pager, cmd);
    this.printRows(step.emit);
    if (!step.done) {
      this.enter({ ...mode, pager: step.pager });
      return;
    }
    this.enter({ kind: 'busy' });
    await mode.then();
  }

  private async confirmKey(k: ed.Keystroke, mode: Extract<Mode, { kind: 'confirm' }>): Promise<void> {
    const text = mode.editor.text;
    const abort = (k.kind === 'ctrl' && k.letter === 'c') || (k.kind === 'ctrl' && k.letter === 'd' && text === '');
    if (k.kind !== 'enter' && !abort) {
      const next = ed.edit(mode.editor, k);
      if (next) this.enter({ ...mode, editor: next });
      return;
    }
    this.print([`${mode.question}${text}${abort ? '^C' : ''}`]);
    const answer = text.trim().toLowerCase();
    const yes = !abort && (answer === 'yes' || answer === 'y');
    this.enter({ kind: 'busy' });
    this.publish();
    await this.present(await mode.answer(yes));
  }

  private async terminalKey(k: ed.Keystroke, mode: Extract<Mode, { kind: 'terminal' }>): Promise<void> {
    const text = mode.editor.text;
    if (k.kind === 'ctrl' && k.letter === 'c') {
      // Abandon the load: nothing typed so far is applied.
      this.print([`${text}^C`]);
      this.enter({ kind: 'command' });
      return;
    }
    if (k.kind === 'ctrl' && k.letter === 'd' && text === '') {
      this.enter({ kind: 'busy' });
      this.publish();
      await this.present(await mode.done(mode.lines.join('\n')));
      return;
    }
    if (k.kind === 'enter') {
      this.print([text]);
      this.enter({ ...mode, editor: ed.newEditor(), lines: [...mode.lines, text] });
      return;
    }
    const next = ed.edit(mode.editor, k);
    if (next) this.enter({ ...mode, editor: next });
  }

  /** `?`: Junos prints the choices under the line and gives the line back unchanged. */
  private async help(): Promise<void> {
    const before = this.editor.text.slice(0, this.editor.cursor);
    this.echo(`${before}?`);
    await this.output(this.interp.help(before), false, async () => {
      this.enter({ kind: 'command' });
    });
  }

  private async complete(): Promise<void> {
    const { text, cursor } = this.editor;
    const before = text.slice(0, cursor);
    let after = text.slice(cursor);
    const res = this.interp.complete(before);
    if (res.line.endsWith(' ') && after.startsWith(' ')) after = after.slice(1);
    this.editor = ed.setText(this.editor, res.line + after, res.line.length);
    if (res.listing) {
      this.echo(text);
      await this.output(res.listing, false, async () => {
        this.enter({ kind: 'command' });
      });
    }
  }
}

function useColumns(): number {
  const { stdout } = ink.useStdout();
  const [columns, setColumns] = useState(stdout.columns || 80);
  useEffect(() => {
    const onResize = (): void => setColumns(stdout.columns || 80);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return columns;
}

function Rows({ rows, prefix }: { rows: readonly string[]; prefix: string }) {
  // An empty <Text> takes no room; a blank keeps the row (ink trims it on output).
  return (
    <>
      {rows.map((r, i) => (
        <ink.Text key={`${prefix}${i}`}>{r === '' ? ' ' : r}</ink.Text>
      ))}
    </>
  );
}

function PromptLine({ banner, prompt, text, cursor }: { banner: readonly string[]; prompt: string; text: string; cursor: number }) {
  const columns = useColumns();
  const { setCursorPosition } = ink.useCursor();
  const bannerRows = banner.flatMap((l) => chunk(l, columns));
  const lineRows = chunk(prompt + text, columns);
  const at = prompt.length + cursor;
  const row = Math.floor(at / columns);
  // The cursor after a line that fills its last row sits at the start of the next one.
  while (lineRows.length <= row) lineRows.push('');
  setCursorPosition({ x: at % columns, y: bannerRows.length + row });
  return (
    <ink.Box flexDirection="column">
      <Rows rows={bannerRows} prefix="b" />
      <Rows rows={lineRows} prefix="l" />
    </ink.Box>
  );
}

function MorePrompt({ prompt }: { prompt: string }) {
  const { setCursorPosition } = ink.useCursor();
  setCursorPosition({ x: prompt.length, y: 0 });
  return <ink.Text>{prompt}</ink.Text>;
}

function LiveArea({ live }: { live: Live }) {
  switch (live.kind) {
    case 'line':
      return <PromptLine banner={live.banner} prompt={live.prompt} text={live.text} cursor={live.cursor} />;
    case 'more':
      return <MorePrompt prompt={live.prompt} />;
    case 'idle':
      return null;
  }
}

function App({ term }: { term: Terminal }) {
  const screen = useSyncExternalStore(term.subscribe, term.snapshot);
  const onInput = useCallback((input: string, key: ed.InkKey) => term.feed(ed.decodeInk(input, key)), [term]);
  ink.useInput(onInput);
  return (
    <>
      <ink.Static items={screen.log}>{(row) => <ink.Text key={row.id}>{row.text === '' ? ' ' : row.text}</ink.Text>}</ink.Static>
      <LiveArea live={screen.live} />
    </>
  );
}

/**
 * Run the terminal until the session ends: `exit`/`quit` in operational mode, Ctrl-D on an empty
 * line, or the terminal going away.
 */
export async function runInteractive(interp: Interpreter, opts: InteractiveOptions = {}): Promise<void> {
  const { stdin, stdout } = process;
  // Without a TTY ink cannot switch to raw mode and every key would arrive a line late.
  if (!stdin.isTTY) throw new Error('interactive mode needs a terminal; use --batch');

  ink = await loadInk();
  let instance: Instance | undefined;
  const term = new Terminal(
    interp,
    opts,
    () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }),
    // Let the last frame (the live area emptied) render before ink lets go of the terminal.
    () => setImmediate(() => instance?.unmount()),
  );
  const hangUp = (): void => term.close();
  stdin.on('end', hangUp);
  stdin.on('close', hangUp);
  stdin.on('error', hangUp);
  try {
    instance = ink.render(<App term={term} />, { stdin, stdout, exitOnCtrlC: false });
    await instance.waitUntilExit();
  } finally {
    stdin.off('end', hangUp);
    stdin.off('close', hangUp);
    stdin.off('error', hangUp);
  }
}
