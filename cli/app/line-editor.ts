/**
 * The command line being typed at a Junos prompt: text, cursor, kill buffer and history. Pure
 * values and functions (no terminal, no React) so every editing key can be unit-tested; the ink
 * app only translates key presses into `Keystroke`s and draws the state.
 */

/** One key press, after the terminal's byte sequences have been decoded. */
export type Keystroke =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'ctrl'; readonly letter: string }
  | { readonly kind: 'meta'; readonly letter: string }
  | {
      readonly kind:
        | 'enter'
        | 'tab'
        | 'backspace'
        | 'delete'
        | 'left'
        | 'right'
        | 'up'
        | 'down'
        | 'home'
        | 'end'
        | 'pageup'
        | 'pagedown'
        | 'escape'
        | 'ignored';
    };

export interface EditorState {
  readonly text: string;
  /** Index in `text` the next character is inserted at (0..text.length). */
  readonly cursor: number;
  /** Entered lines, oldest first. */
  readonly history: readonly string[];
  /** The history entry on display; `history.length` while on the line being typed. */
  readonly historyIndex: number;
  /** The line being typed, parked while the user browses history so coming back restores it. */
  readonly draft: string;
  /** Text removed by the last Ctrl-U / Ctrl-K / Ctrl-W, for Ctrl-Y. */
  readonly killed: string;
}

/** Enough for a long lab session without letting a scripted one grow without bound. */
export const HISTORY_LIMIT = 1000;

export function newEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history, historyIndex: history.length, draft: '', killed: '' };
}

function withText(s: EditorState, text: string, cursor: number): EditorState {
  return { ...s, text, cursor: Math.max(0, Math.min(cursor, text.length)) };
}

export function insert(s: EditorState, chars: string): EditorState {
  return withText(s, s.text.slice(0, s.cursor) + chars + s.text.slice(s.cursor), s.cursor + chars.length);
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  return withText(s, s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), s.cursor - 1);
}

/** Delete the character under the cursor (Delete key, Ctrl-D on a non-empty line). */
export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return withText(s, s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1), s.cursor);
}

export function left(s: EditorState): EditorState {
  return withText(s, s.text, s.cursor - 1);
}

export function right(s: EditorState): EditorState {
  return withText(s, s.text, s.cursor + 1);
}

export function home(s: EditorState): EditorState {
  return withText(s, s.text, 0);
}

export function end(s: EditorState): EditorState {
  return withText(s, s.text, s.text.length);
}

export function killToStart(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  return { ...withText(s, s.text.slice(s.cursor), 0), killed: s.text.slice(0, s.cursor) };
}

export function killToEnd(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { ...withText(s, s.text.slice(0, s.cursor), s.cursor), killed: s.text.slice(s.cursor) };
}

/** Where the word before the cursor starts: skip the blanks just before it, then the word. */
function previousWordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && text[i - 1] === ' ') i--;
  while (i > 0 && text[i - 1] !== ' ') i--;
  return i;
}

/** Where the word at or after the cursor ends. */
function nextWordEnd(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && text[i] === ' ') i++;
  while (i < text.length && text[i] !== ' ') i++;
  return i;
}

/** Ctrl-W: the CLI's words are blank-separated, so `show chassis fpc|` loses `fpc`. */
export function deleteWordBack(s: EditorState): EditorState {
  const start = previousWordStart(s.text, s.cursor);
  if (start === s.cursor) return s;
  return { ...withText(s, s.text.slice(0, start) + s.text.slice(s.cursor), start), killed: s.text.slice(start, s.cursor) };
}

/** Esc-D: delete from the cursor to the end of the word. */
export function deleteWordForward(s: EditorState): EditorState {
  const stop = nextWordEnd(s.text, s.cursor);
  if (stop === s.cursor) return s;
  return { ...withText(s, s.text.slice(0, s.cursor) + s.text.slice(stop), s.cursor), killed: s.text.slice(s.cursor, stop) };
}

export function wordLeft(s: EditorState): EditorState {
  return withText(s, s.text, previousWordStart(s.text, s.cursor));
}

export function wordRight(s: EditorState): EditorState {
  return withText(s, s.text, nextWordEnd(s.text, s.cursor));
}

/** Ctrl-Y: put back what the last kill removed. */
export function yank(s: EditorState): EditorState {
  return s.killed === '' ? s : insert(s, s.killed);
}

/** Replace the whole line (TAB completion), cursor at `cursor` or at the end. */
export function setText(s: EditorState, text: string, cursor: number = text.length): EditorState {
  return withText(s, text, cursor);
}

export function historyUp(s: EditorState): EditorState {
  if (s.historyIndex === 0) return s;
  const draft = s.historyIndex === s.history.length ? s.text : s.draft;
  const index = s.historyIndex - 1;
  const text = s.history[index]!;
  return { ...s, text, cursor: text.length, historyIndex: index, draft };
}

export function historyDown(s: EditorState): EditorState {
  if (s.historyIndex >= s.history.length) return s;
  const index = s.historyIndex + 1;
  const text = index === s.history.length ? s.draft : s.history[index]!;
  return { ...s, text, cursor: text.length, historyIndex: index, draft: index === s.history.length ? '' : s.draft };
}

/**
 * Enter: hand back the line and start an empty one. Blank lines and a repeat of the previous
 * entry stay out of the history, so Up after running `show version` three times is one step.
 */
export function commit(s: EditorState, limit: number = HISTORY_LIMIT): { readonly line: string; readonly state: EditorState } {
  const line = s.text;
  const last = s.history[s.history.length - 1];
  let history = s.history;
  if (line.trim() !== '' && line !== last) {
    history = [...s.history, line];
    if (history.length > limit) history = history.slice(history.length - limit);
  }
  return { line, state: { ...newEditor(history), killed: s.killed } };
}

/** Drop the line being typed (Ctrl-C) without recording it. */
export function abandon(s: EditorState): EditorState {
  return { ...newEditor(s.history), killed: s.killed };
}

/**
 * Whether `text` ends inside a double-quoted string: there `?` is an ordinary character
 * (`match "a?b"`), outside it asks for help. The tokenizer has no escapes, so counting quotes is
 * exact.
 */
export function insideQuotes(text: string): boolean {
  let open = false;
  for (const ch of text) if (ch === '"') open = !open;
  return open;
}

/**
 * Apply an editing key. Returns undefined for keys that are not editing (Enter, TAB, Ctrl-C,
 * Ctrl-D on an empty line, …): the caller decides what those do.
 */
export function edit(s: EditorState, k: Keystroke): EditorState | undefined {
  switch (k.kind) {
    case 'char':
      return insert(s, k.char);
    case 'backspace':
      return backspace(s);
    case 'delete':
      return deleteForward(s);
    case 'left':
      return left(s);
    case 'right':
      return right(s);
    case 'home':
      return home(s);
    case 'end':
      return end(s);
    case 'up':
      return historyUp(s);
    case 'down':
      return historyDown(s);
    case 'ctrl':
      switch (k.letter) {
        case 'a':
          return home(s);
        case 'e':
          return end(s);
        case 'b':
          return left(s);
        case 'f':
          return right(s);
        case 'h':
          return backspace(s);
        case 'd':
          return s.text === '' ? undefined : deleteForward(s);
        case 'u':
          return killToStart(s);
        case 'k':
          return killToEnd(s);
        case 'w':
          return deleteWordBack(s);
        case 'y':
          return yank(s);
        case 'p':
          return historyUp(s);
        case 'n':
          return historyDown(s);
        default:
          return undefined;
      }
    case 'meta':
      switch (k.letter) {
        case 'b':
          return wordLeft(s);
        case 'f':
          return wordRight(s);
        case 'd':
          return deleteWordForward(s);
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}

/** The parts of ink's `Key` the decoder reads (kept structural so this module stays ink-free). */
export interface InkKey {
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly home: boolean;
  readonly end: boolean;
  readonly return: boolean;
  readonly escape: boolean;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly tab: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
  readonly meta: boolean;
}

/**
 * Turn what ink's `useInput` reports into key presses. Ink hands over a whole chunk at once when
 * several bytes arrive together (a paste, or `tmux send-keys 'sh' Tab`), so plain input is split
 * character by character and control characters inside it still act as keys.
 */
export function decodeInk(input: string, key: InkKey): Keystroke[] {
  if (key.return) return [{ kind: 'enter' }];
  if (key.tab) return [key.shift ? { kind: 'ignored' } : { kind: 'tab' }];
  if (key.upArrow) return [{ kind: 'up' }];
  if (key.downArrow) return [{ kind: 'down' }];
  if (key.leftArrow) return [key.ctrl || key.meta ? { kind: 'meta', letter: 'b' } : { kind: 'left' }];
  if (key.rightArrow) return [key.ctrl || key.meta ? { kind: 'meta', letter: 'f' } : { kind: 'right' }];
  if (key.home) return [{ kind: 'home' }];
  if (key.end) return [{ kind: 'end' }];
  if (key.pageUp) return [{ kind: 'pageup' }];
  if (key.pageDown) return [{ kind: 'pagedown' }];
  // Terminals send DEL (0x7f) for the Backspace key and ink reports that as `delete`; the real
  // Delete key is folded into the same flag, so both erase backwards (Ctrl-D deletes forward).
  if (key.backspace || key.delete) return [{ kind: 'backspace' }];
  if (key.escape && input === '') return [{ kind: 'escape' }];
  if (key.ctrl && input.length === 1) return [{ kind: 'ctrl', letter: input.toLowerCase() }];
  if (key.meta && input.length === 1) return [{ kind: 'meta', letter: input.toLowerCase() }];
  return decodeText(input);
}

/** Split raw characters into key presses. */
export function decodeText(input: string): Keystroke[] {
  const keys: Keystroke[] = [];
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    if (ch === '\r' || ch === '\n') keys.push({ kind: 'enter' });
    else if (ch === '\t') keys.push({ kind: 'tab' });
    else if (ch === '\x7f' || ch === '\b') keys.push({ kind: 'backspace' });
    else if (ch === '\x1b') keys.push({ kind: 'escape' });
    else if (code < 0x20) keys.push({ kind: 'ctrl', letter: String.fromCharCode(code + 0x60) });
    else keys.push({ kind: 'char', char: ch });
  }
  return keys;
}
