/**
 * A tokenizer for YANG (RFC 7950 section 6) as far as the Junos models need it.
 *
 * Produces four kinds of tokens: the punctuation `{`, `}` and `;`, and strings. A string is
 * either unquoted (a run of characters up to whitespace, `;`, `{`, `}` or a comment start) or
 * one or more quoted parts joined by `+`; the parts are concatenated into one token here, so
 * the parser never sees `+`.
 */

export type TokenKind = '{' | '}' | ';' | 'string';

export interface Token {
  readonly kind: TokenKind;
  /** The string's value (quotes removed, escapes resolved, parts concatenated); '' for punctuation. */
  readonly text: string;
  /** True when the string was written in quotes (so `"{"` is a string, not punctuation). */
  readonly quoted: boolean;
  /** 1-based line of the token's first character. */
  readonly line: number;
}

export class YangSyntaxError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'YangSyntaxError';
  }
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

export function tokenize(source: string, file = '<input>'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = source.length;

  /** Skips whitespace and comments; returns when at a token start or the end. */
  const skipTrivia = (): void => {
    while (i < n) {
      const c = source[i]!;
      if (c === '\n') {
        line++;
        i++;
      } else if (isSpace(c)) {
        i++;
      } else if (c === '/' && source[i + 1] === '/') {
        while (i < n && source[i] !== '\n') i++;
      } else if (c === '/' && source[i + 1] === '*') {
        const start = line;
        i += 2;
        for (;;) {
          if (i >= n) throw new YangSyntaxError('unterminated block comment', file, start);
          if (source[i] === '*' && source[i + 1] === '/') {
            i += 2;
            break;
          }
          if (source[i] === '\n') line++;
          i++;
        }
      } else {
        return;
      }
    }
  };

  /** Column (0-based) of position p within its line, counting a tab as 8 columns as RFC 7950 does. */
  const columnOf = (p: number): number => {
    let s = p;
    while (s > 0 && source[s - 1] !== '\n') s--;
    let col = 0;
    for (let k = s; k < p; k++) col = source[k] === '\t' ? col + 8 - (col % 8) : col + 1;
    return col;
  };

  /** Reads a double-quoted string starting at i (on the quote). */
  const readDouble = (): string => {
    const startLine = line;
    const indent = columnOf(i) + 1; // column just after the opening quote
    i++;
    let out = '';
    // Characters of the current physical line, so trailing whitespace before a newline can be dropped.
    for (;;) {
      if (i >= n) throw new YangSyntaxError('unterminated double-quoted string', file, startLine);
      const c = source[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = source[i + 1];
        if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else if (e === '"') out += '"';
        else if (e === '\\') out += '\\';
        else if (e === undefined) throw new YangSyntaxError('unterminated double-quoted string', file, startLine);
        else out += '\\' + e; // not a YANG escape: keep both characters (lenient, like most tools)
        i += 2;
        continue;
      }
      if (c === '\n') {
        // RFC 7950 6.1.3: drop whitespace before the line break, and on the next line drop
        // indentation up to the column of the character after the opening quote.
        out = out.replace(/[ \t\r]+$/, '') + '\n';
        line++;
        i++;
        let col = 0;
        while (i < n && col < indent && (source[i] === ' ' || source[i] === '\t')) {
          col = source[i] === '\t' ? col + 8 - (col % 8) : col + 1;
          i++;
        }
        continue;
      }
      out += c;
      i++;
    }
  };

  const readSingle = (): string => {
    const startLine = line;
    i++;
    const end = source.indexOf("'", i);
    if (end < 0) throw new YangSyntaxError('unterminated single-quoted string', file, startLine);
    const text = source.slice(i, end);
    for (const ch of text) if (ch === '\n') line++;
    i = end + 1;
    return text;
  };

  while (true) {
    skipTrivia();
    if (i >= n) break;
    const c = source[i]!;
    const tokLine = line;
    if (c === '{' || c === '}' || c === ';') {
      tokens.push({ kind: c, text: '', quoted: false, line: tokLine });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let text = c === '"' ? readDouble() : readSingle();
      // `"a" + "b"` concatenation, possibly across lines and comments.
      for (;;) {
        const save = i;
        const saveLine = line;
        skipTrivia();
        // After an argument only `;`, `{` or `+` may follow, so a `+` here is always concatenation.
        if (source[i] === '+') {
          i++;
          skipTrivia();
          const q = source[i];
          if (q === '"') text += readDouble();
          else if (q === "'") text += readSingle();
          else throw new YangSyntaxError("expected a quoted string after '+'", file, line);
        } else {
          i = save;
          line = saveLine;
          break;
        }
      }
      tokens.push({ kind: 'string', text, quoted: true, line: tokLine });
      continue;
    }
    // Unquoted string.
    const start = i;
    while (i < n) {
      const d = source[i]!;
      if (isSpace(d) || d === ';' || d === '{' || d === '}') break;
      if (d === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) break;
      if (d === '"' || d === "'") throw new YangSyntaxError('quote inside an unquoted string', file, line);
      i++;
    }
    tokens.push({ kind: 'string', text: source.slice(start, i), quoted: false, line: tokLine });
  }
  return tokens;
}
