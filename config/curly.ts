/**
 * Reads configuration text — the curly form Junos prints, `set`-form lines, or a mix of both —
 * into a list of statements (word lists), each flagged as it was tagged (`inactive:`,
 * `replace:`). Comments (`#…`, `/* … *\/`) are dropped, quotes are undone. The caller resolves
 * the words against the schema.
 */

export interface Statement {
  /** `set`-form words of the statement, e.g. ['system', 'host-name', 'fw1']. */
  readonly words: string[];
  /** How it was written: a curly statement or level, or a flat command line. */
  readonly command: 'set' | 'delete' | 'deactivate' | 'activate';
  /** Source line, for error messages. */
  readonly line: number;
  /** The statement (a curly level) carried `replace:` (used by `load replace`). */
  readonly replace?: boolean;
}

interface Tok {
  readonly text: string;
  readonly line: number;
  readonly quoted: boolean;
}

const PUNCT = new Set(['{', '}', ';', '[', ']']);

function tokenizeCurly(text: string, firstLine: number): Tok[] {
  const toks: Tok[] = [];
  let line = firstLine;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
      i = stop;
    } else if (PUNCT.has(c)) {
      toks.push({ text: c, line, quoted: false });
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        if (text[i] === '\n') line++;
        v += text[i];
        i++;
      }
      i++;
      toks.push({ text: v, line, quoted: true });
    } else {
      let v = '';
      while (i < text.length && !/[\s{};[\]"#]/.test(text[i]!)) v += text[i++];
      toks.push({ text: v, line, quoted: false });
    }
  }
  return toks;
}

/** Words of one flat command line (`set a b "c d"`), quotes undone. */
export function lineWords(line: string): string[] {
  return tokenizeCurly(line, 1).map((t) => t.text);
}

export class CurlyError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const FLAT = /^\s*(set|delete|deactivate|activate)\s/;

/** Parse configuration text in curly form, set form, or both. */
export function parseConfigText(text: string): Statement[] {
  const out: Statement[] = [];
  const lines = text.split('\n');
  let curly = '';
  let curlyStart = 1;
  let depth = 0;
  const flush = (): void => {
    if (curly.trim() !== '') out.push(...parseCurly(curly, curlyStart));
    curly = '';
  };
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    if (depth === 0 && FLAT.test(raw)) {
      flush();
      const words = lineWords(raw);
      const command = words.shift() as Statement['command'];
      out.push({ words, command, line: lineNo });
      curlyStart = lineNo + 1;
      return;
    }
    if (curly === '') curlyStart = lineNo;
    curly += `${raw}\n`;
    for (const t of tokenizeCurly(raw, lineNo)) {
      if (t.text === '{' && !t.quoted) depth++;
      if (t.text === '}' && !t.quoted) depth--;
    }
  });
  flush();
  return out;
}

function parseCurly(text: string, firstLine: number): Statement[] {
  const toks = tokenizeCurly(text, firstLine);
  const out: Statement[] = [];
  const stack: Array<{ words: string[]; inactive: boolean; replace: boolean; children: number; line: number }> = [];
  let cur: Tok[] = [];
  const prefix = (): string[] => stack.flatMap((s) => s.words);
  const takeTags = (words: Tok[]): { words: string[]; inactive: boolean; replace: boolean } => {
    let inactive = false;
    let replace = false;
    const rest = [...words];
    while (rest.length > 0 && !rest[0]!.quoted && /^(inactive|replace|protect|active):$/.test(rest[0]!.text)) {
      const tag = rest.shift()!.text;
      if (tag === 'inactive:') inactive = true;
      if (tag === 'replace:') replace = true;
    }
    return { words: rest.map((t) => t.text), inactive, replace };
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.quoted || !PUNCT.has(t.text) || t.text === '[' || t.text === ']') {
      cur.push(t);
      continue;
    }
    if (t.text === '{') {
      if (cur.length === 0) throw new CurlyError("syntax error: '{' without a statement", t.line);
      const tagged = takeTags(cur);
      if (stack.length > 0) stack[stack.length - 1]!.children++;
      // `replace:` clears the level before its children are merged back in: mark it first.
      if (tagged.replace) out.push({ words: [...prefix(), ...tagged.words], command: 'set', line: t.line, replace: true });
      stack.push({ ...tagged, children: 0, line: t.line });
      cur = [];
    } else if (t.text === ';') {
      if (cur.length === 0) continue;
      const tagged = takeTags(cur);
      const words = [...prefix(), ...tagged.words];
      out.push({ words, command: 'set', line: cur[0]!.line });
      if (tagged.inactive) out.push({ words, command: 'deactivate', line: cur[0]!.line });
      if (stack.length > 0) stack[stack.length - 1]!.children++;
      cur = [];
    } else if (t.text === '}') {
      if (cur.length > 0) throw new CurlyError(`syntax error: missing ';' after '${cur.map((c) => c.text).join(' ')}'`, t.line);
      const level = stack.pop();
      if (!level) throw new CurlyError("syntax error: unbalanced '}'", t.line);
      const words = [...prefix(), ...level.words];
      if (level.children === 0 && !level.replace) out.push({ words, command: 'set', line: level.line });
      if (level.inactive) out.push({ words, command: 'deactivate', line: level.line });
    }
  }
  if (cur.length > 0) throw new CurlyError(`syntax error: missing ';' after '${cur.map((c) => c.text).join(' ')}'`, cur[cur.length - 1]!.line);
  if (stack.length > 0) throw new CurlyError("syntax error: missing '}'", stack[stack.length - 1]!.line);
  return out;
}
