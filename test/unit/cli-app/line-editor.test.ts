import { describe, expect, it } from 'vitest';
import {
  abandon,
  backspace,
  commit,
  decodeInk,
  decodeText,
  deleteForward,
  deleteWordBack,
  deleteWordForward,
  edit,
  end,
  historyDown,
  historyUp,
  home,
  insert,
  insideQuotes,
  killToEnd,
  killToStart,
  left,
  newEditor,
  right,
  setText,
  wordLeft,
  wordRight,
  yank,
  type EditorState,
  type InkKey,
  type Keystroke,
} from '../../../cli/app/line-editor.js';

/** An editor holding `text` with the cursor at `cursor` (default: end). */
function at(text: string, cursor: number = text.length, history: readonly string[] = []): EditorState {
  return setText(newEditor(history), text, cursor);
}

function view(s: EditorState): string {
  return `${s.text.slice(0, s.cursor)}|${s.text.slice(s.cursor)}`;
}

const NO_KEY: InkKey = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
};

function typed(keys: readonly Keystroke[], start: EditorState = newEditor()): EditorState {
  return keys.reduce((s, k) => edit(s, k) ?? s, start);
}

describe('cursor movement', () => {
  it('moves left and right within the line and stops at both ends', () => {
    let s = at('show', 2);
    s = left(s);
    expect(view(s)).toBe('s|how');
    s = left(left(s));
    expect(view(s)).toBe('|show');
    s = right(right(right(right(right(s)))));
    expect(view(s)).toBe('show|');
  });

  it('jumps home and end', () => {
    expect(view(home(at('show version', 5)))).toBe('|show version');
    expect(view(end(at('show version', 5)))).toBe('show version|');
  });

  it('moves by blank-separated words', () => {
    expect(view(wordLeft(at('show chassis fpc')))).toBe('show chassis |fpc');
    expect(view(wordLeft(at('show chassis  ', 14)))).toBe('show |chassis  ');
    expect(view(wordRight(at('show chassis fpc', 0)))).toBe('show| chassis fpc');
    expect(view(wordRight(at('show chassis fpc', 4)))).toBe('show chassis| fpc');
  });
});

describe('inserting and deleting', () => {
  it('inserts at the cursor and moves the cursor past the insertion', () => {
    expect(view(insert(at('shw', 2), 'o'))).toBe('sho|w');
    expect(view(insert(at('show ', 5), 'version'))).toBe('show version|');
  });

  it('backspace removes the character before the cursor, and nothing at the start', () => {
    expect(view(backspace(at('show', 2)))).toBe('s|ow');
    const start = at('show', 0);
    expect(backspace(start)).toBe(start);
  });

  it('delete removes the character under the cursor, and nothing at the end', () => {
    expect(view(deleteForward(at('show', 1)))).toBe('s|ow');
    const atEnd = at('show');
    expect(deleteForward(atEnd)).toBe(atEnd);
  });

  it('Ctrl-U kills from the start to the cursor', () => {
    const s = killToStart(at('show version', 5));
    expect(view(s)).toBe('|version');
    expect(s.killed).toBe('show ');
  });

  it('Ctrl-K kills from the cursor to the end', () => {
    const s = killToEnd(at('show version', 4));
    expect(view(s)).toBe('show|');
    expect(s.killed).toBe(' version');
  });

  it('Ctrl-W deletes the previous word and the blanks after it', () => {
    expect(view(deleteWordBack(at('show chassis fpc')))).toBe('show chassis |');
    expect(view(deleteWordBack(at('show chassis   ')))).toBe('show |');
    expect(view(deleteWordBack(at('show chassis fpc', 12)))).toBe('show | fpc');
    const start = at('show', 0);
    expect(deleteWordBack(start)).toBe(start);
  });

  it('Esc-D deletes to the end of the current word', () => {
    expect(view(deleteWordForward(at('show chassis fpc', 4)))).toBe('show| fpc');
  });

  it('Ctrl-Y puts back the last killed text at the cursor', () => {
    const killed = deleteWordBack(at('show chassis fpc'));
    expect(view(yank(home(killed)))).toBe('fpc|show chassis ');
    const nothing = at('show');
    expect(yank(nothing)).toBe(nothing);
  });

  it('setText replaces the line and puts the cursor at its end unless told otherwise', () => {
    expect(view(setText(at('show chas'), 'show chassis '))).toBe('show chassis |');
    expect(view(setText(at('x'), 'show chassis fpc', 13))).toBe('show chassis |fpc');
    expect(view(setText(at('x'), 'abc', 99))).toBe('abc|');
  });
});

describe('history', () => {
  it('commit returns the line, clears the editor and records the line', () => {
    const { line, state } = commit(at('show version', 3));
    expect(line).toBe('show version');
    expect(view(state)).toBe('|');
    expect(state.history).toEqual(['show version']);
  });

  it('does not record blank lines or a repeat of the previous entry', () => {
    let s = newEditor();
    for (const l of ['show version', 'show version', '   ', '', 'show chassis hardware', 'show version']) {
      s = commit(setText(s, l)).state;
    }
    expect(s.history).toEqual(['show version', 'show chassis hardware', 'show version']);
  });

  it('keeps only the newest entries beyond the limit', () => {
    let s = newEditor();
    for (const l of ['a', 'b', 'c', 'd']) s = commit(setText(s, l), 3).state;
    expect(s.history).toEqual(['b', 'c', 'd']);
  });

  it('Up walks back from the newest entry and stops at the oldest', () => {
    let s = at('', 0, ['show version', 'show chassis fpc']);
    s = historyUp(s);
    expect(view(s)).toBe('show chassis fpc|');
    s = historyUp(s);
    expect(view(s)).toBe('show version|');
    expect(view(historyUp(s))).toBe('show version|');
  });

  it('keeps the line being typed and gives it back when coming down again', () => {
    let s = at('show cha', 8, ['show version', 'show chassis fpc']);
    s = historyUp(historyUp(s));
    expect(s.text).toBe('show version');
    s = historyDown(s);
    expect(s.text).toBe('show chassis fpc');
    s = historyDown(s);
    expect(view(s)).toBe('show cha|');
    // Already on the line being typed: Down changes nothing.
    expect(historyDown(s)).toBe(s);
  });

  it('Up with no history leaves the line alone', () => {
    const s = at('sh');
    expect(historyUp(s)).toBe(s);
  });

  it('a recalled entry can be edited and run as a new line', () => {
    let s = at('', 0, ['show chassis fpc']);
    s = insert(historyUp(s), ' pic-status');
    const done = commit(s);
    expect(done.line).toBe('show chassis fpc pic-status');
    expect(done.state.history).toEqual(['show chassis fpc', 'show chassis fpc pic-status']);
    expect(done.state.historyIndex).toBe(2);
  });

  it('abandon drops the line but not the history', () => {
    const s = abandon(historyUp(at('draft', 5, ['show version'])));
    expect(view(s)).toBe('|');
    expect(s.history).toEqual(['show version']);
    expect(historyUp(s).text).toBe('show version');
  });
});

describe('insideQuotes', () => {
  it('is true only after an unmatched double quote', () => {
    expect(insideQuotes('show version')).toBe(false);
    expect(insideQuotes('show log | match "SPU')).toBe(true);
    expect(insideQuotes('show log | match "SPU Flow" ')).toBe(false);
  });
});

describe('edit: keys to editing operations', () => {
  it('types characters and applies emacs control keys', () => {
    const s = typed([
      ...decodeText('show chasis'),
      { kind: 'ctrl', letter: 'b' },
      { kind: 'ctrl', letter: 'b' },
      { kind: 'char', char: 's' },
      { kind: 'ctrl', letter: 'e' },
      { kind: 'char', char: ' ' },
    ]);
    expect(view(s)).toBe('show chassis |');
  });

  it('Ctrl-A then Ctrl-K empties the line', () => {
    expect(view(typed([{ kind: 'ctrl', letter: 'a' }, { kind: 'ctrl', letter: 'k' }], at('show version')))).toBe('|');
  });

  it('Ctrl-D deletes forward on a non-empty line and is left to the caller on an empty one', () => {
    expect(view(edit(at('show', 0), { kind: 'ctrl', letter: 'd' })!)).toBe('|how');
    expect(edit(newEditor(), { kind: 'ctrl', letter: 'd' })).toBeUndefined();
  });

  it('arrow keys and Ctrl-P / Ctrl-N browse history', () => {
    const s = at('', 0, ['one', 'two']);
    expect(edit(s, { kind: 'up' })!.text).toBe('two');
    expect(edit(s, { kind: 'ctrl', letter: 'p' })!.text).toBe('two');
    expect(typed([{ kind: 'up' }, { kind: 'up' }, { kind: 'ctrl', letter: 'n' }], s).text).toBe('two');
  });

  it('leaves Enter, TAB and Ctrl-C to the caller', () => {
    const s = at('show');
    expect(edit(s, { kind: 'enter' })).toBeUndefined();
    expect(edit(s, { kind: 'tab' })).toBeUndefined();
    expect(edit(s, { kind: 'ctrl', letter: 'c' })).toBeUndefined();
  });
});

describe('decoding terminal input', () => {
  it('splits a chunk of typed text into characters and control keys', () => {
    expect(decodeText('sh\tv\r')).toEqual([
      { kind: 'char', char: 's' },
      { kind: 'char', char: 'h' },
      { kind: 'tab' },
      { kind: 'char', char: 'v' },
      { kind: 'enter' },
    ]);
    expect(decodeText('\x7f\x03\x15')).toEqual([{ kind: 'backspace' }, { kind: 'ctrl', letter: 'c' }, { kind: 'ctrl', letter: 'u' }]);
  });

  it('maps ink key flags to keys', () => {
    expect(decodeInk('', { ...NO_KEY, return: true })).toEqual([{ kind: 'enter' }]);
    expect(decodeInk('', { ...NO_KEY, tab: true })).toEqual([{ kind: 'tab' }]);
    expect(decodeInk('', { ...NO_KEY, upArrow: true })).toEqual([{ kind: 'up' }]);
    expect(decodeInk('', { ...NO_KEY, leftArrow: true })).toEqual([{ kind: 'left' }]);
    expect(decodeInk('', { ...NO_KEY, leftArrow: true, ctrl: true })).toEqual([{ kind: 'meta', letter: 'b' }]);
    expect(decodeInk('c', { ...NO_KEY, ctrl: true })).toEqual([{ kind: 'ctrl', letter: 'c' }]);
    expect(decodeInk('f', { ...NO_KEY, meta: true })).toEqual([{ kind: 'meta', letter: 'f' }]);
    expect(decodeInk('?', NO_KEY)).toEqual([{ kind: 'char', char: '?' }]);
  });

  it('treats the DEL byte ink reports as `delete` as Backspace', () => {
    expect(typed(decodeInk('', { ...NO_KEY, delete: true }), at('show')).text).toBe('sho');
    expect(typed(decodeInk('', { ...NO_KEY, backspace: true }), at('show')).text).toBe('sho');
  });

  it('ignores Shift-TAB', () => {
    expect(decodeInk('', { ...NO_KEY, tab: true, shift: true })).toEqual([{ kind: 'ignored' }]);
  });
});
