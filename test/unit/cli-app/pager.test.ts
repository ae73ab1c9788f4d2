import { describe, expect, it } from 'vitest';
import type { Keystroke } from '../../../cli/app/line-editor.js';
import { morePrompt, pagerCommandFor, pagerStep, startPager, type PagerCommand, type PagerStep } from '../../../cli/app/pager.js';

function numbered(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `line ${i + 1}`);
}

/** Run keys from the first page on and collect everything printed. */
function session(lines: readonly string[], rows: number, cmds: readonly PagerCommand[]): { printed: string[]; last: PagerStep } {
  let step = startPager(lines, rows);
  const printed = [...step.emit];
  for (const c of cmds) {
    step = pagerStep(step.pager, c);
    printed.push(...step.emit);
  }
  return { printed, last: step };
}

describe('startPager', () => {
  it('prints output that fits above the prompt at once, without a more-prompt', () => {
    const step = startPager(numbered(23), 24);
    expect(step.emit).toEqual(numbered(23));
    expect(step.done).toBe(true);
  });

  it('prints nothing and is done for empty output', () => {
    const step = startPager([], 24);
    expect(step.emit).toEqual([]);
    expect(step.done).toBe(true);
  });

  it('holds back output longer than the screen after rows-1 lines', () => {
    const step = startPager(numbered(24), 24);
    expect(step.emit).toEqual(numbered(23));
    expect(step.done).toBe(false);
    expect(step.pager.shown).toBe(23);
  });

  it('still pages one row at a time on an absurdly small screen', () => {
    const step = startPager(numbered(3), 1);
    expect(step.emit).toEqual(['line 1']);
    expect(step.done).toBe(false);
  });
});

describe('more-prompt', () => {
  it('shows the share of the output printed so far, rounded down', () => {
    const { pager } = startPager(numbered(30), 11);
    expect(morePrompt(pager)).toBe('---(more 33%)---');
    expect(morePrompt(pagerStep(pager, 'line').pager)).toBe('---(more 36%)---');
  });

  it('never claims 100% while a row is still hidden', () => {
    const { last } = session(numbered(200), 200, []);
    expect(last.pager.shown).toBe(199);
    expect(morePrompt(last.pager)).toBe('---(more 99%)---');
  });

  it('is the plain Junos prompt when percentages are off', () => {
    const { pager } = startPager(numbered(30), 11, { percent: false });
    expect(morePrompt(pager)).toBe('---(more)---');
  });
});

describe('pager keys', () => {
  it('space prints the next page', () => {
    const { printed, last } = session(numbered(25), 11, ['page']);
    expect(printed).toEqual(numbered(20));
    expect(last.done).toBe(false);
  });

  it('Enter prints exactly one more line', () => {
    const { printed, last } = session(numbered(25), 11, ['line', 'line']);
    expect(printed).toEqual(numbered(12));
    expect(last.emit).toEqual(['line 12']);
  });

  it('the last page prints only what is left and ends paging', () => {
    const { printed, last } = session(numbered(25), 11, ['page', 'page']);
    expect(printed).toEqual(numbered(25));
    expect(last.emit).toEqual(['line 21', 'line 22', 'line 23', 'line 24', 'line 25']);
    expect(last.done).toBe(true);
  });

  it('q discards the rest of the output', () => {
    const { printed, last } = session(numbered(25), 11, ['quit']);
    expect(printed).toEqual(numbered(10));
    expect(last.emit).toEqual([]);
    expect(last.done).toBe(true);
  });

  it('N / G print everything that is left without stopping again', () => {
    const { printed, last } = session(numbered(100), 11, ['line', 'all']);
    expect(printed).toEqual(numbered(100));
    expect(last.emit).toHaveLength(89);
    expect(last.done).toBe(true);
  });

  it('d prints half a page', () => {
    const { last } = session(numbered(100), 11, ['half-page']);
    expect(last.emit).toEqual(['line 11', 'line 12', 'line 13', 'line 14', 'line 15']);
  });
});

describe('pagerCommandFor', () => {
  const char = (c: string): Keystroke => ({ kind: 'char', char: c });

  it('maps the Junos pager keys', () => {
    expect(pagerCommandFor(char(' '))).toBe('page');
    expect(pagerCommandFor({ kind: 'enter' })).toBe('line');
    expect(pagerCommandFor(char('q'))).toBe('quit');
    expect(pagerCommandFor({ kind: 'ctrl', letter: 'c' })).toBe('quit');
    expect(pagerCommandFor(char('N'))).toBe('all');
    expect(pagerCommandFor(char('G'))).toBe('all');
    expect(pagerCommandFor(char('d'))).toBe('half-page');
  });

  it('ignores other keys', () => {
    expect(pagerCommandFor(char('x'))).toBeUndefined();
    expect(pagerCommandFor({ kind: 'tab' })).toBeUndefined();
    expect(pagerCommandFor({ kind: 'ctrl', letter: 'a' })).toBeUndefined();
  });
});
