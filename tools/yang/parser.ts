/**
 * YANG statement parser: `keyword [argument] ;` or `keyword [argument] { substatements }`.
 * Produces a generic statement tree; meaning is given by tools/yang/resolver.ts.
 */
import { tokenize, YangSyntaxError, type Token } from './tokenizer.js';

export interface Statement {
  /** The keyword, with its prefix if any (`leaf`, `junos:posix-pattern`). */
  readonly keyword: string;
  /** The argument; undefined when the statement has none (e.g. `input { ... }`). */
  readonly arg: string | undefined;
  readonly subs: readonly Statement[];
  readonly line: number;
}

/** Parses YANG text into its top-level statements (normally exactly one `module`). */
export function parseYang(source: string, file = '<input>'): Statement[] {
  const tokens = tokenize(source, file);
  let pos = 0;

  const fail = (msg: string, tok: Token | undefined): never => {
    throw new YangSyntaxError(msg, file, tok ? tok.line : tokens.length ? tokens[tokens.length - 1]!.line : 1);
  };

  const parseStatement = (): Statement => {
    const kw = tokens[pos];
    if (!kw || kw.kind !== 'string' || kw.quoted) return fail('expected a keyword', kw);
    pos++;
    let arg: string | undefined;
    let next = tokens[pos];
    if (next && next.kind === 'string') {
      arg = next.text;
      pos++;
      next = tokens[pos];
    }
    if (!next) return fail(`unexpected end of input after '${kw.text}'`, kw);
    if (next.kind === ';') {
      pos++;
      return { keyword: kw.text, arg, subs: [], line: kw.line };
    }
    if (next.kind === '{') {
      pos++;
      const subs: Statement[] = [];
      for (;;) {
        const t = tokens[pos];
        if (!t) return fail(`missing '}' for '${kw.text}' opened on line ${kw.line}`, t);
        if (t.kind === '}') {
          pos++;
          break;
        }
        subs.push(parseStatement());
      }
      return { keyword: kw.text, arg, subs, line: kw.line };
    }
    return fail(`expected ';' or '{' after '${kw.text}${arg !== undefined ? ' ' + arg : ''}'`, next);
  };

  const out: Statement[] = [];
  while (pos < tokens.length) out.push(parseStatement());
  return out;
}

/** The first substatement with this keyword. */
export function sub(stmt: Statement, keyword: string): Statement | undefined {
  return stmt.subs.find((s) => s.keyword === keyword);
}

/** The argument of the first substatement with this keyword. */
export function subArg(stmt: Statement, keyword: string): string | undefined {
  return sub(stmt, keyword)?.arg;
}
