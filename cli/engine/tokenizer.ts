/**
 * Splits a CLI line into tokens, keeping each token's column so errors can put the Junos caret
 * under it. Double quotes group words (`match "SPU Flow"`); a `|` outside quotes is a token of
 * its own even without spaces around it.
 */
export interface Token {
  readonly text: string;
  /** Column of the token's first character in the line. */
  readonly start: number;
  /** The token was written in quotes (so a quoted "|" is a word, not a pipe). */
  readonly quoted: boolean;
}

export interface Tokenized {
  readonly tokens: Token[];
  /** The line ends inside an unterminated quote. */
  readonly openQuote: boolean;
  /** The line ends with whitespace (the next token has not started). */
  readonly trailingSpace: boolean;
}

export function tokenize(line: string): Tokenized {
  const tokens: Token[] = [];
  let i = 0;
  let openQuote = false;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '|') {
      tokens.push({ text: '|', start: i, quoted: false });
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let quoted = false;
    while (i < line.length) {
      const c = line[i] as string;
      if (c === '"') {
        quoted = true;
        const close = line.indexOf('"', i + 1);
        if (close < 0) {
          text += line.slice(i + 1);
          i = line.length;
          openQuote = true;
          break;
        }
        text += line.slice(i + 1, close);
        i = close + 1;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '|') break;
      text += c;
      i++;
    }
    tokens.push({ text, start, quoted });
  }
  const last = line[line.length - 1];
  return { tokens, openQuote, trailingSpace: line.length === 0 || last === ' ' || last === '\t' };
}

/** Split tokens at unquoted `|` into the command and its pipe segments. */
export function splitPipes(tokens: readonly Token[]): { command: Token[]; pipes: Array<{ bar: Token; tokens: Token[] }> } {
  const command: Token[] = [];
  const pipes: Array<{ bar: Token; tokens: Token[] }> = [];
  for (const t of tokens) {
    if (t.text === '|' && !t.quoted) {
      pipes.push({ bar: t, tokens: [] });
    } else if (pipes.length > 0) {
      pipes[pipes.length - 1]!.tokens.push(t);
    } else {
      command.push(t);
    }
  }
  return { command, pipes };
}
