/**
 * Commands are declared as data: a tree of nodes, each with its help text, optionally a typed
 * value, and an action where a command may end. The parser, `?` help and TAB completion all read
 * the same tree, so they cannot disagree.
 */
import type { HelpItem } from './help-format.js';
import type { Session } from './session.js';
import type { Token } from './tokenizer.js';

export type Parsed<T> = { readonly value: T } | { readonly error: string };

export interface ValueSpec<T = unknown> {
  /** Shown as `<name>` in help and in "expecting <name>" errors. */
  readonly name: string;
  readonly help: string;
  parse(token: string): Parsed<T>;
  /** Concrete values worth offering on `?` and TAB (card types, existing slots…). */
  suggest?(): ReadonlyArray<{ readonly name: string; readonly help: string }>;
}

/** Configuration output that pipes can render another way (`| display set`, `| compare`). */
export interface ConfigView {
  set(): string[];
  compare(rollback?: number): string[] | { readonly error: string };
}

export interface CommandOutput {
  /** Set by configuration `show`: what `| display set` and `| compare` print instead. */
  readonly view?: ConfigView;
  readonly lines: readonly string[];
  /** The command printed a Junos error (batch exit status 1). */
  readonly error?: boolean;
  /** Read lines typed after the command until ^D (`load merge terminal`), then run `done`. */
  readonly readTerminal?: { done(text: string): Promise<CommandOutput> | CommandOutput };
  /** Ask the user first; `run` gets the answer. Batch mode answers yes and echoes it. */
  readonly confirm?: { readonly question: string; run(yes: boolean): Promise<CommandOutput> };
  /** Leave the CLI (operational `exit` / `quit`). */
  readonly endSession?: boolean;
}

export interface Invocation {
  readonly session: Session;
  /** Words after a node that takes the rest of the line (`set …`), with their columns. */
  readonly rest: readonly Token[];
  /** Values of keywords with an argument and of positional values, by keyword / value name. */
  readonly args: ReadonlyMap<string, unknown>;
  /** Keywords given (flags such as `detail`). */
  readonly words: ReadonlySet<string>;
  /**
   * Print lines now, before the command returns (a terminal watching `ping`). Absent in batch
   * runs and when pipes must see the whole output: the command then returns every line.
   */
  readonly emit?: (lines: readonly string[]) => void;
  /** Aborted when the user interrupts the command (^C at a terminal); absent in batch runs. */
  readonly signal?: AbortSignal;
}

export type Action = (inv: Invocation) => CommandOutput | Promise<CommandOutput>;

export interface CommandNode {
  /** The keyword; absent on a positional value node. */
  readonly word?: string;
  readonly help: string;
  /** For a keyword: the value that must follow it (`slot <slot>`). For a positional node: the value itself. */
  readonly value?: ValueSpec;
  readonly children?: readonly CommandNode[];
  /** Children are options: any order, each at most once, the command stays runnable here. */
  readonly optionsAnyOrder?: boolean;
  /** A container such as `show chassis`: listed with a `>` marker in config-mode help. */
  readonly run?: Action;
  /** Not offered by `?` / TAB, still accepted when typed in full. */
  readonly hidden?: boolean;
  /** The node takes every following word itself (configuration statements after `set`). */
  readonly rest?: RestSpec;
}

/** A command tail that is not a fixed grammar (a schema path): it answers `?` and TAB itself. */
export interface RestSpec {
  /** `?` items for the word being typed after `words` ('' when the next word has not started). */
  help(words: readonly string[], partial: string, session: Session): HelpItem[];
  /** Whole-word candidates for TAB. */
  complete(words: readonly string[], partial: string, session: Session): string[];
  /** The command may be executed after `words` (offer `<[Enter]>`). */
  canEnd(words: readonly string[], session: Session): boolean;
  /** The tail may be empty (`show` alone). */
  readonly optional?: boolean;
}

export function keyword(word: string, help: string, rest: Omit<CommandNode, 'word' | 'help'> = {}): CommandNode {
  return { word, help, ...rest };
}

export function positional(value: ValueSpec, rest: Omit<CommandNode, 'value' | 'help' | 'word'> = {}): CommandNode {
  return { help: value.help, value, ...rest };
}

export const output = (lines: readonly string[]): CommandOutput => ({ lines });
export const failure = (message: string): CommandOutput => ({ lines: [`error: ${message}`], error: true });

// ------------------------------------------------------------------ common value types

export function uintValue(name: string, help: string, min: number, max: number, suggest?: ValueSpec['suggest']): ValueSpec<number> {
  return {
    name,
    help: `${help} (${min}..${max})`,
    parse(token) {
      if (!/^\d+$/.test(token)) return { error: `invalid numeric value: '${token}'` };
      const n = Number(token);
      if (n < min || n > max) return { error: `Value ${n} is not within range (${min}..${max})` };
      return { value: n };
    },
    ...(suggest ? { suggest } : {}),
  };
}

export function enumValue<T extends string>(name: string, help: string, choices: ReadonlyArray<{ name: T; help: string }>): ValueSpec<T> {
  return {
    name,
    help,
    parse(token) {
      const exact = choices.find((c) => c.name === token);
      if (exact) return { value: exact.name };
      const prefixed = choices.filter((c) => c.name.startsWith(token));
      if (prefixed.length === 1) return { value: prefixed[0]!.name };
      return { error: `'${token}' is not one of ${choices.map((c) => c.name).join(', ')}` };
    },
    suggest: () => choices,
  };
}

export function wordValue(name: string, help: string, suggest?: ValueSpec['suggest']): ValueSpec<string> {
  return {
    name,
    help,
    parse: (token) => (token.length > 0 ? { value: token } : { error: `${name} must not be empty` }),
    ...(suggest ? { suggest } : {}),
  };
}
