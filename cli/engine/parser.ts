/**
 * Walks tokens down a command tree. The same walk serves execution (every token must match),
 * `?` help and TAB completion (what may come next). Keywords may be abbreviated to any unique
 * prefix; an exact keyword wins over a positional value, as on Junos.
 */
import type { Action, CommandNode } from './grammar.js';
import type { Token } from './tokenizer.js';

export interface WalkState {
  /** The node whose children are on offer. */
  ctx: CommandNode;
  /** Options already given at an any-order node. */
  consumed: Set<CommandNode>;
  /** A keyword that still needs its value. */
  awaiting: CommandNode | null;
  readonly args: Map<string, unknown>;
  readonly words: Set<string>;
  /** Tokens taken by a node with `rest` (everything after it). */
  readonly rest: Token[];
}

export type WalkError =
  | { readonly kind: 'syntax'; readonly at: number; readonly expecting: string }
  | { readonly kind: 'ambiguous'; readonly at: number; readonly token: string; readonly matches: CommandNode[] }
  | { readonly kind: 'value'; readonly at: number; readonly message: string };

export type WalkResult = { readonly ok: true; readonly state: WalkState } | { readonly ok: false; readonly error: WalkError };

export function startState(root: CommandNode): WalkState {
  return { ctx: root, consumed: new Set(), awaiting: null, args: new Map(), words: new Set(), rest: [] };
}

/** Nodes that may come next. */
export function available(state: WalkState): CommandNode[] {
  if (state.awaiting) return [];
  const children = state.ctx.children ?? [];
  return state.ctx.optionsAnyOrder ? children.filter((c) => !state.consumed.has(c)) : [...children];
}

/** Keyword children whose word starts with `prefix` (hidden ones only on an exact match). */
export function keywordMatches(state: WalkState, prefix: string): CommandNode[] {
  const kws = available(state).filter((n) => n.word !== undefined);
  const exact = kws.find((n) => n.word === prefix);
  if (exact) return [exact];
  return kws.filter((n) => !n.hidden && n.word!.startsWith(prefix));
}

export function walk(root: CommandNode, tokens: readonly Token[]): WalkResult {
  const state = startState(root);
  for (const tok of tokens) {
    const r = step(state, tok);
    if (r) return { ok: false, error: r };
  }
  return { ok: true, state };
}

function step(state: WalkState, tok: Token): WalkError | null {
  if (state.ctx.rest) {
    state.rest.push(tok);
    return null;
  }
  if (state.awaiting) {
    const node = state.awaiting;
    const parsed = node.value!.parse(tok.text);
    if ('error' in parsed) return { kind: 'value', at: tok.start, message: parsed.error };
    state.args.set(node.word!, parsed.value);
    state.awaiting = null;
    enter(state, node);
    return null;
  }
  const matches = tok.quoted ? [] : keywordMatches(state, tok.text);
  if (matches.length > 1) return { kind: 'ambiguous', at: tok.start, token: tok.text, matches };
  if (matches.length === 1) {
    const node = matches[0]!;
    state.words.add(node.word!);
    if (node.value) state.awaiting = node;
    else enter(state, node);
    return null;
  }
  const pos = available(state).find((n) => n.word === undefined && n.value);
  if (pos) {
    const parsed = pos.value!.parse(tok.text);
    if ('error' in parsed) return { kind: 'value', at: tok.start, message: parsed.error };
    state.args.set(pos.value!.name, parsed.value);
    enter(state, pos);
    return null;
  }
  return { kind: 'syntax', at: tok.start, expecting: expectingText(state) };
}

function enter(state: WalkState, node: CommandNode): void {
  if (node.children && node.children.length > 0) {
    state.ctx = node;
    state.consumed = new Set();
  } else if (state.ctx.optionsAnyOrder) {
    state.consumed.add(node);
  } else {
    state.ctx = node;
    state.consumed = new Set();
  }
}

/** The action the walk ended on, if the command may end here. */
export function actionAt(state: WalkState): Action | undefined {
  if (state.awaiting) return undefined;
  if (state.ctx.rest && state.rest.length === 0 && !state.ctx.rest.optional) return undefined;
  return state.ctx.run;
}

/** What Junos names in "syntax error, expecting …" at this point. */
export function expectingText(state: WalkState): string {
  if (state.awaiting) return `<${state.awaiting.value!.name}>`;
  const avail = available(state);
  const pos = avail.find((n) => n.word === undefined && n.value);
  if (pos && avail.every((n) => n.word === undefined)) return `<${pos.value!.name}>`;
  return '<command>';
}
