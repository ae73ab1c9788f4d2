/**
 * The headless CLI: (session, line) → output lines. No terminal, no React: batch mode, the ink
 * app and the tests all drive this one object.
 */
import { Refusal } from '../../chassis/refusal.js';
import type { Topology } from '../../chassis/topology.js';
import { configurationRoot, type ConfigCommandContext } from './commands/configuration.js';
import { operationalRoot } from './commands/operational.js';
import type { CommandNode, CommandOutput, Invocation } from './grammar.js';
import { caretLine, ENTER_ITEM, PIPE_ITEM, possibleCompletions, type HelpItem } from './help-format.js';
import { actionAt, available, keywordMatches, walk, type WalkError, type WalkState } from './parser.js';
import { applyPipes, PIPE_ROOT, stageFrom, type PipeStage } from './pipes.js';
import { newSession, type Session } from './session.js';
import { splitPipes, tokenize, type Token } from './tokenizer.js';

export interface ExecResult {
  readonly lines: string[];
  /** A Junos error was printed (syntax error, `error: …`). */
  readonly error: boolean;
  /** `| no-more`: the interactive terminal must not page this output. */
  readonly noMore: boolean;
  readonly endSession: boolean;
  /** The command asks a yes/no question first (e.g. `request system reboot`). */
  readonly confirm?: { readonly question: string; answer(yes: boolean): Promise<ExecResult> };
  /** The command reads text typed after it until ^D (`load merge terminal`). */
  readonly readTerminal?: { done(text: string): Promise<ExecResult> };
}

export interface ExecuteOptions {
  /** Where lines printed while a command runs go (Invocation.emit). */
  readonly emit?: (lines: readonly string[]) => void;
  /** ^C at a terminal: commands that run until interrupted (ping) stop when it aborts. */
  readonly signal?: AbortSignal;
}

export interface CompletionResult {
  /** The line after completion (unchanged when nothing could be completed). */
  readonly line: string;
  /** Lines to show when the completion is ambiguous. */
  readonly listing?: string[];
}

export class Interpreter {
  readonly session: Session;
  private readonly ctx: ConfigCommandContext;
  /** The line being executed (for carets placed past its end). */
  private line = '';

  constructor(readonly topology: Topology, session: Session = newSession()) {
    this.session = session;
    this.ctx = {
      topology,
      promptWidth: () => this.prompt().length,
      lineEnd: () => endColumn(this.line),
    };
  }

  /** `root@srx5800> ` or `root@srx5800# `. */
  prompt(): string {
    const sign = this.session.mode === 'configuration' ? '#' : '>';
    return `${this.session.user}@${this.topology.current.hostname}${sign} `;
  }

  /** Lines printed above the prompt: the `[edit …]` banner in configuration mode. */
  banner(): string[] {
    if (this.session.mode !== 'configuration') return [];
    const path = this.session.editPath.length > 0 ? `[edit ${this.session.editPath.join(' ')}]` : '[edit]';
    const left = this.topology.current.config.confirmMinutesLeft();
    const pending = left === null ? [] : [`# commit confirmed will be rolled back in ${left} ${left === 1 ? 'minute' : 'minutes'}`];
    return ['', ...pending, path];
  }

  private root(): CommandNode {
    return this.session.mode === 'configuration' ? configurationRoot(this.ctx) : operationalRoot(this.ctx);
  }

  /**
   * Run one line. `options.emit` receives lines a command prints while it runs (a terminal);
   * without it, or when the line has pipes, everything comes back in the result.
   */
  async execute(line: string, options: ExecuteOptions = {}): Promise<ExecResult> {
    const notices = this.topology.current.config.takeNotices();
    if (notices.length > 0 && options.emit) {
      // Notices come first, so they are printed before anything the command emits.
      options.emit(notices);
      return this.executeLine(line, options);
    }
    const res = await this.executeLine(line, options);
    return notices.length === 0 ? res : { ...res, lines: [...notices, ...res.lines] };
  }

  private async executeLine(line: string, options: ExecuteOptions): Promise<ExecResult> {
    this.line = line;
    const promptWidth = this.prompt().length;
    // A line ending in `?` (outside quotes) asks for help, as typing `?` does at a terminal.
    if (line.endsWith('?') && !tokenize(line.slice(0, -1)).openQuote) return result(this.help(line.slice(0, -1)));
    const { tokens, openQuote } = tokenize(line);
    if (tokens.length === 0) return result([]);
    if (openQuote) return result([caretLine(promptWidth, line.length), 'syntax error, unterminated quoted string.'], true);
    const { command, pipes } = splitPipes(tokens);
    if (command.length === 0) return result([caretLine(promptWidth, tokens[0]!.start), 'syntax error, expecting <command>.'], true);

    const walked = walk(this.root(), command);
    if (!walked.ok) return result(this.errorLines(walked.error, promptWidth, command), true);
    const action = actionAt(walked.state);
    if (!action) return result([caretLine(promptWidth, endColumn(line)), `syntax error, expecting ${expecting(walked.state)}.`], true);

    const stages: PipeStage[] = [];
    for (const p of pipes) {
      if (p.tokens.length === 0) return result([caretLine(promptWidth, endColumn(line)), 'syntax error, expecting <command>.'], true);
      const pw = walk(PIPE_ROOT, p.tokens);
      if (!pw.ok) return result(this.errorLines(pw.error, promptWidth, null), true);
      if (!actionAt(pw.state)) return result([caretLine(promptWidth, endColumn(line)), `syntax error, expecting ${expecting(pw.state)}.`], true);
      stages.push(stageFrom(pw.state.words, pw.state.args));
    }

    const run = async (fn: () => CommandOutput | Promise<CommandOutput>): Promise<ExecResult> => {
      let out: CommandOutput;
      try {
        out = await fn();
      } catch (err) {
        if (err instanceof Refusal) return result([`error: ${err.message}`], true);
        const msg = err instanceof Error ? err.message : String(err);
        return result([`error: internal failure: ${msg}`], true);
      }
      const noMore = stages.some((s) => s.kind === 'no-more');
      const shaped = reshape(out, stages);
      if ('error' in shaped) return result([`error: ${shaped.error}`], true);
      const base: ExecResult = {
        lines: applyPipes(shaped.lines, stages),
        error: out.error ?? false,
        noMore,
        endSession: out.endSession ?? false,
      };
      const confirm = out.confirm;
      const reader = out.readTerminal;
      if (confirm) return { ...base, confirm: { question: confirm.question, answer: (yes) => run(() => confirm.run(yes)) } };
      if (reader) return { ...base, readTerminal: { done: (text) => run(() => reader.done(text)) } };
      return base;
    };
    const emit = stages.length === 0 ? options.emit : undefined;
    const inv: Invocation = { session: this.session, args: walked.state.args, words: walked.state.words, rest: walked.state.rest, ...(emit ? { emit } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    return run(() => action(inv));
  }

  /** What `?` prints for the line typed so far. */
  help(line: string): string[] {
    const at = this.position(line);
    if (!at) return [];
    if (!at.ok) return this.errorLines(at.error, this.prompt().length, at.inPipe ? null : at.tokens);
    const rest = at.state.ctx.rest;
    if (rest) {
      const items = rest.help(
        at.state.rest.map((t) => t.text),
        at.partial,
        this.session,
      );
      const words = at.state.rest.map((t) => t.text);
      const runnable = (words.length > 0 || (rest.optional ?? false)) && rest.canEnd(words, this.session);
      const all = at.partial === '' && runnable ? [ENTER_ITEM, ...items, PIPE_ITEM] : items;
      return all.length === 0 ? ['No valid completions'] : possibleCompletions(all);
    }
    const items = candidates(at.state, at.partial);
    return items.length === 0 ? ['No valid completions'] : possibleCompletions(items);
  }

  /** TAB: complete the word being typed, or list the choices when several remain. */
  complete(line: string): CompletionResult {
    const at = this.position(line);
    if (!at || !at.ok) return { line };
    const head = line.slice(0, line.length - at.partial.length);
    const rest = at.state.ctx.rest;
    if (rest) {
      const words = at.state.rest.map((t) => t.text);
      const names = [...new Set(rest.complete(words, at.partial, this.session))];
      if (names.length === 1) return { line: `${head}${names[0]} ` };
      const common = commonPrefix(names);
      if (names.length > 1 && common.length > at.partial.length) return { line: `${head}${common}` };
      const items = rest.help(words, at.partial, this.session);
      return items.length > 0 && names.length !== 1 ? { line, listing: possibleCompletions(items) } : { line };
    }
    const names = [
      ...keywordMatches(at.state, at.partial).map((n) => n.word!),
      ...valueSuggestions(at.state)
        .map((s) => s.name)
        .filter((n) => n.startsWith(at.partial)),
    ];
    const unique = [...new Set(names)];
    if (unique.length === 1) return { line: `${head}${unique[0]} ` };
    if (unique.length > 1) {
      const common = commonPrefix(unique);
      if (common.length > at.partial.length) return { line: `${head}${common}` };
      return { line, listing: possibleCompletions(candidates(at.state, at.partial)) };
    }
    return { line };
  }

  /** Walk everything before the word being typed. */
  private position(
    line: string,
  ): ({ ok: true; state: WalkState; partial: string } | { ok: false; error: WalkError; tokens: Token[]; inPipe: boolean }) | null {
    const { tokens, openQuote, trailingSpace } = tokenize(line);
    if (openQuote) return null;
    const { command, pipes } = splitPipes(tokens);
    const inPipe = pipes.length > 0;
    const segment = inPipe ? pipes[pipes.length - 1]!.tokens : command;
    const lastIsBar = tokens.length > 0 && tokens[tokens.length - 1]!.text === '|' && !tokens[tokens.length - 1]!.quoted;
    const partial = trailingSpace || lastIsBar || segment.length === 0 ? '' : segment[segment.length - 1]!.text;
    const before = partial === '' ? segment : segment.slice(0, -1);
    if (!inPipe && partial !== '' && segment[segment.length - 1]!.quoted) return null;
    if (inPipe) {
      const cw = walk(this.root(), command);
      if (!cw.ok) return { ok: false, error: cw.error, tokens: command, inPipe: false };
    }
    const w = walk(inPipe ? PIPE_ROOT : this.root(), before);
    if (!w.ok) return { ok: false, error: w.error, tokens: before, inPipe };
    return { ok: true, state: w.state, partial };
  }

  /** `command` is the command's tokens when the error is in the command (not in a pipe). */
  private errorLines(error: WalkError, promptWidth: number, command: readonly Token[] | null): string[] {
    const caret = caretLine(promptWidth, error.at);
    switch (error.kind) {
      case 'ambiguous':
        return [caret, `'${error.token}' is ambiguous.`, ...possibleCompletions(sortItems(error.matches.map(nodeItem)))];
      case 'value':
        return [caret, error.message];
      case 'syntax': {
        const first = command?.[0];
        if (first && first.start === error.at && this.session.mode === 'operational') return [caret, 'unknown command.'];
        return [caret, `syntax error, expecting ${error.expecting}.`];
      }
    }
  }
}

/** `| display set` and `| compare` replace the output with another rendering of the configuration. */
function reshape(out: CommandOutput, stages: readonly PipeStage[]): { lines: readonly string[] } | { error: string } {
  const display = stages.find((s) => s.kind === 'display-set' || s.kind === 'compare');
  if (!display) return { lines: out.lines };
  if (!out.view) return { error: `'${display.kind === 'compare' ? 'compare' : 'display set'}' works on configuration output only` };
  if (display.kind === 'display-set') return { lines: out.view.set() };
  const cmp = out.view.compare(display.n);
  return Array.isArray(cmp) ? { lines: cmp } : { error: (cmp as { error: string }).error };
}

function result(lines: string[], error = false): ExecResult {
  return { lines, error, noMore: false, endSession: false };
}

/** Column where the next token would start: where Junos puts the caret for a missing word. */
function endColumn(line: string): number {
  return /\s$/.test(line) ? line.length : line.length + 1;
}

function expecting(state: WalkState): string {
  if (state.awaiting) return `<${state.awaiting.value!.name}>`;
  const avail = available(state);
  if (avail.length > 0 && avail.every((n) => n.word === undefined)) return `<${avail[0]!.value!.name}>`;
  return '<command>';
}

function nodeItem(n: CommandNode): HelpItem {
  return n.word !== undefined ? { name: n.word, help: n.help } : { name: `<${n.value!.name}>`, help: n.value!.help };
}

function sortItems(items: HelpItem[]): HelpItem[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}

function valueSuggestions(state: WalkState): HelpItem[] {
  const specs = state.awaiting ? [state.awaiting.value!] : available(state).filter((n) => n.word === undefined && n.value).map((n) => n.value!);
  return specs.flatMap((s) => (s.suggest ? [...s.suggest()] : []));
}

/** `?` items at this point: Enter, values, keywords (sorted), then the pipe. */
function candidates(state: WalkState, partial: string): HelpItem[] {
  const out: HelpItem[] = [];
  const runnable = actionAt(state) !== undefined;
  if (partial === '' && runnable) out.push(ENTER_ITEM);
  if (state.awaiting) {
    const v = state.awaiting.value!;
    if (partial === '') out.push({ name: `<${v.name}>`, help: v.help });
    out.push(...(v.suggest ? v.suggest().filter((s) => s.name.startsWith(partial)) : []));
    return out;
  }
  const avail = available(state);
  for (const n of avail.filter((x) => x.word === undefined && x.value)) {
    if (partial === '') out.push({ name: `<${n.value!.name}>`, help: n.value!.help });
    out.push(...(n.value!.suggest ? n.value!.suggest().filter((s) => s.name.startsWith(partial)) : []));
  }
  out.push(...sortItems(avail.filter((n) => n.word !== undefined && !n.hidden && n.word.startsWith(partial)).map(nodeItem)));
  if (partial === '' && runnable) out.push(PIPE_ITEM);
  return out;
}

function commonPrefix(words: readonly string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}
