/**
 * The Junos `---(more)---` pager as pure state: which output rows have been shown and what the
 * next key reveals. The ink app prints `emit` and shows `morePrompt` while `done` is false.
 */
import type { Keystroke } from './line-editor.js';

export interface Pager {
  readonly lines: readonly string[];
  /** How many of `lines` have been printed. */
  readonly shown: number;
  /** Rows per page: the screen minus the row the more-prompt sits on. */
  readonly pageSize: number;
  /** Show how far through the output the user is (`---(more 42%)---`). */
  readonly percent: boolean;
}

export interface PagerStep {
  readonly pager: Pager;
  /** Rows to print now. */
  readonly emit: readonly string[];
  /** Nothing more to page: either everything was shown or the user quit. */
  readonly done: boolean;
}

export type PagerCommand = 'page' | 'half-page' | 'line' | 'all' | 'quit';

export interface PagerOptions {
  readonly percent?: boolean;
}

/**
 * Start paging `lines` on a screen of `rows` rows. Output that fits above the prompt is printed
 * whole and never paged.
 */
export function startPager(lines: readonly string[], rows: number, opts: PagerOptions = {}): PagerStep {
  const pageSize = Math.max(1, Math.floor(rows) - 1);
  const pager: Pager = { lines, shown: 0, pageSize, percent: opts.percent ?? true };
  return advance(pager, lines.length <= pageSize ? lines.length : pageSize);
}

function advance(p: Pager, count: number): PagerStep {
  const shown = Math.min(p.lines.length, p.shown + count);
  const emit = p.lines.slice(p.shown, shown);
  return { pager: { ...p, shown }, emit, done: shown >= p.lines.length };
}

export function pagerStep(p: Pager, cmd: PagerCommand): PagerStep {
  switch (cmd) {
    case 'page':
      return advance(p, p.pageSize);
    case 'half-page':
      return advance(p, Math.max(1, Math.floor(p.pageSize / 2)));
    case 'line':
      return advance(p, 1);
    case 'all':
      return advance(p, p.lines.length);
    case 'quit':
      // Junos drops the rest of the output: nothing more is printed.
      return { pager: p, emit: [], done: true };
  }
}

/** The prompt on the last screen row while output is held back. */
export function morePrompt(p: Pager): string {
  if (!p.percent || p.lines.length === 0) return '---(more)---';
  // Rounded down so the prompt never claims 100% while rows are still hidden.
  const pct = Math.floor((p.shown * 100) / p.lines.length);
  return `---(more ${pct}%)---`;
}

/** Keys understood at the more-prompt; anything else is ignored, as on the box. */
export function pagerCommandFor(k: Keystroke): PagerCommand | undefined {
  switch (k.kind) {
    case 'char':
      switch (k.char) {
        case ' ':
        case 'f':
          return 'page';
        case 'd':
          return 'half-page';
        case 'j':
          return 'line';
        case 'q':
        case 'Q':
          return 'quit';
        case 'G':
        case 'N':
          return 'all';
        default:
          return undefined;
      }
    case 'enter':
    case 'down':
      return 'line';
    case 'pagedown':
      return 'page';
    case 'ctrl':
      if (k.letter === 'c') return 'quit';
      if (k.letter === 'd') return 'half-page';
      if (k.letter === 'f') return 'page';
      return undefined;
    default:
      return undefined;
  }
}
