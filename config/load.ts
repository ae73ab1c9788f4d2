/**
 * `load merge|override|replace|set`: configuration text applied to a tree. As on Junos, a
 * statement that cannot be read is reported with its line and the rest is applied; text that
 * is not well-formed curly configuration is refused whole.
 */
import { CurlyError, lineWords, parseConfigText, type Statement } from './curly.js';
import { cloneTree, emptyContainer, type DataContainer } from './data.js';
import { clearLevel, deleteStatement, setActive, setStatement } from './edit.js';
import { resolvePath, type PathError, type PathStep, type ResolvedPath } from './path.js';
import type { ContainerSchema } from './schema/types.js';

export type LoadMode = 'merge' | 'override' | 'replace' | 'set';

export type LoadOutcome =
  /** The new tree, and the statements that could not be applied (as Junos prints them). */
  | { readonly ok: true; readonly tree: DataContainer; readonly errors: readonly string[] }
  /** Malformed text: nothing is applied. */
  | { readonly ok: false; readonly error: string };

export interface LoadOptions {
  readonly root: ContainerSchema;
  /** Name in messages: `terminal` or the file. */
  readonly origin: string;
  /** `load set` statements are relative to the current `[edit …]` level. */
  readonly editSteps?: readonly PathStep[];
  /** Applied to every statement before it is set (secret obfuscation). */
  readonly transform?: (p: ResolvedPath) => ResolvedPath;
}

function setLines(text: string): Statement[] {
  return text
    .split('\n')
    .map((l, i) => ({ l: l.trim(), i }))
    .filter(({ l }) => l !== '' && !l.startsWith('#'))
    .map(({ l, i }) => {
      const words = lineWords(l);
      const command = words.shift() as Statement['command'];
      return { words, command, line: i + 1 };
    });
}

export function loadConfigText(mode: LoadMode, text: string, base: DataContainer, opts: LoadOptions): LoadOutcome {
  let statements: Statement[];
  try {
    statements = mode === 'set' ? setLines(text) : parseConfigText(text);
  } catch (err) {
    if (err instanceof CurlyError) return { ok: false, error: `${opts.origin}:${err.line}:${err.message}` };
    throw err;
  }
  const target = mode === 'override' ? emptyContainer() : cloneTree(base);
  const errors: string[] = [];
  const start = mode === 'set' ? (opts.editSteps ?? []) : [];
  const transform = opts.transform ?? ((p: ResolvedPath) => p);
  for (const st of statements) {
    if (!['set', 'delete', 'deactivate', 'activate'].includes(st.command)) {
      errors.push(`${opts.origin}:${st.line}:(${st.words.join(' ')}) syntax error: ${st.command}`);
      continue;
    }
    const r = resolvePath(opts.root, st.words, start);
    if (!r.ok) {
      errors.push(`${opts.origin}:${st.line}:(${[st.command, ...st.words].join(' ')}) ${describePathError(r.error, st.words)}`);
      continue;
    }
    if (st.replace) clearLevel(target, r.path);
    if (st.command === 'set') setStatement(target, transform(r.path));
    else if (st.command === 'delete') deleteStatement(target, r.path);
    else setActive(target, r.path, st.command === 'activate');
  }
  return { ok: true, tree: target, errors };
}

function describePathError(e: PathError, words: readonly string[]): string {
  switch (e.kind) {
    case 'syntax':
      return `syntax error: ${words[e.at] ?? ''}`;
    case 'ambiguous':
      return `'${e.token}' is ambiguous`;
    case 'missing':
      return 'missing argument';
    case 'value':
      return e.message;
  }
}
