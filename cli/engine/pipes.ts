/**
 * Output pipes: `| match`, `| except`, `| find`, `| count`, `| last N`, `| trim N`, `| no-more`.
 * Declared with the same grammar as commands, so `| ?` and TAB work on them too. Patterns are
 * regular expressions matched without regard to case; a pattern that is not a valid regular
 * expression is matched as plain text.
 */
import { keyword, positional, uintValue, wordValue, type CommandNode } from './grammar.js';

export interface PipeStage {
  readonly kind: 'match' | 'except' | 'find' | 'count' | 'last' | 'trim' | 'no-more' | 'display-set' | 'compare';
  readonly pattern?: string;
  readonly n?: number;
}

const pattern = wordValue('pattern', 'Pattern to match against');

/** The pipe grammar; each keyword's action is never called, the interpreter reads the walk. */
export const PIPE_ROOT: CommandNode = {
  help: 'pipe',
  children: [
    keyword('compare', 'Compare configuration changes with prior version', {
      run: noop,
      children: [keyword('rollback', 'Index of rollback file', { value: uintValue('rollback', 'Index of rollback file', 0, 49), run: noop })],
    }),
    keyword('count', 'Count occurrences', { run: noop }),
    keyword('display', 'Show additional kinds of information', { children: [keyword('set', 'Show set commands that create configuration', { run: noop })] }),
    keyword('except', 'Show only text that does not match a pattern', { children: [positional(pattern, { run: noop })] }),
    keyword('find', 'Search for first occurrence of pattern', { children: [positional(pattern, { run: noop })] }),
    keyword('last', 'Display end of output only', {
      run: noop,
      children: [positional(uintValue('lines', 'Number of lines', 1, 100000), { run: noop })],
    }),
    keyword('match', 'Show only text that matches a pattern', { children: [positional(pattern, { run: noop })] }),
    keyword('no-more', "Don't paginate output", { run: noop }),
    keyword('trim', 'Trim specified number of columns from start of line', {
      children: [positional(uintValue('columns', 'Number of columns to trim', 1, 1000), { run: noop })],
    }),
  ],
};

function noop(): { lines: string[] } {
  return { lines: [] };
}

export function stageFrom(words: ReadonlySet<string>, args: ReadonlyMap<string, unknown>): PipeStage {
  if (words.has('display')) return { kind: 'display-set' };
  if (words.has('compare')) {
    const n = args.get('rollback') as number | undefined;
    return { kind: 'compare', ...(n !== undefined ? { n } : {}) };
  }
  const kind = [...words][0] as PipeStage['kind'];
  const p = args.get('pattern');
  const n = (args.get('lines') ?? args.get('columns')) as number | undefined;
  return { kind, ...(typeof p === 'string' ? { pattern: p } : {}), ...(n !== undefined ? { n } : {}) };
}

function matcher(p: string): (line: string) => boolean {
  try {
    const re = new RegExp(p, 'i');
    return (line) => re.test(line);
  } catch {
    const lower = p.toLowerCase();
    return (line) => line.toLowerCase().includes(lower);
  }
}

export function applyPipes(lines: readonly string[], stages: readonly PipeStage[]): string[] {
  let out = [...lines];
  for (const s of stages) {
    switch (s.kind) {
      case 'match': {
        const m = matcher(s.pattern ?? '');
        out = out.filter(m);
        break;
      }
      case 'except': {
        const m = matcher(s.pattern ?? '');
        out = out.filter((l) => !m(l));
        break;
      }
      case 'find': {
        const m = matcher(s.pattern ?? '');
        const i = out.findIndex(m);
        out = i < 0 ? [] : out.slice(i);
        break;
      }
      case 'count':
        out = [`Count: ${out.length} lines`];
        break;
      case 'last':
        out = out.slice(-(s.n ?? 24));
        break;
      case 'trim':
        out = out.map((l) => l.slice(s.n ?? 0));
        break;
      case 'no-more':
      case 'display-set':
      case 'compare':
        // Applied by the interpreter before the text filters (they need the configuration itself).
        break;
    }
  }
  return out;
}
