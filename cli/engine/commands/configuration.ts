/**
 * Configuration mode (`root@host#`): set, delete, (de)activate, edit, up, top, exit, show,
 * commit, rollback, load and run. Statements are read against the YANG-derived schema by
 * config/path.ts; this file only turns them into edits of the session's candidate and into
 * Junos-shaped output.
 */
import { configCanEnd, configCompletions, configHelp } from '../../../config/complete.js';
import { cloneTree, emptyContainer, type DataContainer } from '../../../config/data.js';
import { MAX_ROLLBACK } from '../../../config/database.js';
import { deleteStatement, lookup, setActive, setStatement } from '../../../config/edit.js';
import { loadConfigText, type LoadMode } from '../../../config/load.js';
import { lastLeaf, resolvePath, type PathError, type PathStep, type ResolvedPath } from '../../../config/path.js';
import { renderCompare, renderCurly, renderListLevel, renderSet } from '../../../config/render.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import type { ContainerSchema } from '../../../config/schema/types.js';
import { encodeSecret, isObfuscated } from '../../../config/secret.js';
import { isObfuscatedLeaf } from '../../../config/secret-leaves.js';
import { formatCommitErrors } from '../../../config/validate/index.js';
import type { Device } from '../../../chassis/device.js';
import { Random } from '../../../sim/random.js';
import { failure, keyword, output, positional, uintValue, wordValue, type CommandNode, type CommandOutput, type ConfigView, type Invocation, type RestSpec } from '../grammar.js';
import { caretLine, possibleCompletions } from '../help-format.js';
import type { Session } from '../session.js';
import type { Token } from '../tokenizer.js';
import { operationalCommands, type CommandContext } from './operational.js';

/** The candidate this session edits: its private copy, or the device's shared candidate. */
export function candidateOf(session: Session, dev: Device): DataContainer {
  return session.privateCandidate ?? dev.config.candidate;
}

function editSteps(root: ContainerSchema, session: Session): PathStep[] {
  const r = resolvePath(root, session.editPath);
  return r.ok ? [...r.path.steps] : [];
}

/** Caret and message for a statement that does not fit the schema. */
function pathErrorLines(err: PathError, rest: readonly Token[], promptWidth: number, line: number): string[] {
  const at = rest[err.at]?.start ?? line;
  const caret = caretLine(promptWidth, at);
  switch (err.kind) {
    case 'syntax':
      return [caret, 'syntax error.'];
    case 'ambiguous':
      return [caret, `'${err.token}' is ambiguous.`, ...possibleCompletions(err.matches.map((m) => ({ name: m.name, help: m.help })))];
    case 'missing':
      return [caret, 'missing argument.'];
    case 'value':
      return [caret, err.message];
  }
}

export interface ConfigCommandContext extends CommandContext {
  /** Width of the prompt the command was typed after, for carets. */
  promptWidth(): number;
  /** Column just past the end of the current line. */
  lineEnd(): number;
}

export function configurationRoot(ctx: ConfigCommandContext): CommandNode {
  const dev = (): Device => ctx.topology.current;
  const root = (): ContainerSchema => schemaRoot();
  const secrets = new Random(dev().now() >>> 0);

  const resolveRest = (inv: Invocation): { ok: true; path: ResolvedPath } | { ok: false; out: CommandOutput } => {
    const words = inv.rest.map((t) => t.text);
    const r = resolvePath(root(), words, editSteps(root(), inv.session));
    if (r.ok) return r;
    return { ok: false, out: { lines: pathErrorLines(r.error, inv.rest, ctx.promptWidth(), ctx.lineEnd()), error: true } };
  };

  const pathRest = (optional: boolean): RestSpec => ({
    optional,
    help: (words, partial, session) => configHelp(root(), words, partial, editSteps(root(), session), candidateOf(session, dev())),
    complete: (words, partial, session) => configCompletions(root(), words, partial, editSteps(root(), session), candidateOf(session, dev())),
    canEnd: (words, session) => configCanEnd(root(), words, editSteps(root(), session)),
  });

  const obfuscate = (path: ResolvedPath): ResolvedPath => ({
    ...path,
    leaves: path.leaves.map((leaf) => {
      if (!isObfuscatedLeaf(leaf.schema.path) || leaf.values.length === 0) return leaf;
      const v = leaf.values[0]!;
      return { ...leaf, values: [isObfuscated(v) ? v : encodeSecret(v, secrets)] };
    }),
  });

  const set = (inv: Invocation): CommandOutput => {
    const r = resolveRest(inv);
    if (!r.ok) return r.out;
    const p = r.path;
    const last = p.steps[p.steps.length - 1];
    const leaf = lastLeaf(p);
    if (leaf && leaf.values.length === 0) return { lines: [caretLine(ctx.promptWidth(), ctx.lineEnd()), 'missing argument.'], error: true };
    if (!leaf && last?.schema.kind === 'list' && !last.keys) return { lines: [caretLine(ctx.promptWidth(), ctx.lineEnd()), 'missing argument.'], error: true };
    if (p.steps.length === 0 && !leaf) return { lines: [caretLine(ctx.promptWidth(), ctx.lineEnd()), 'missing argument.'], error: true };
    setStatement(candidateOf(inv.session, dev()), obfuscate(p));
    return output([]);
  };

  const remove = (inv: Invocation): CommandOutput => {
    if (inv.rest.length === 0) {
      return {
        lines: [],
        confirm: {
          question: 'Delete everything under this level? [yes,no] (no) ',
          run: async (yes) => {
            if (!yes) return output([]);
            const here = resolvePath(root(), inv.session.editPath);
            if (here.ok) deleteStatement(candidateOf(inv.session, dev()), here.path);
            return output([]);
          },
        },
      };
    }
    const r = resolveRest(inv);
    if (!r.ok) return r.out;
    if (!deleteStatement(candidateOf(inv.session, dev()), r.path)) return output(['warning: statement not found']);
    return output([]);
  };

  const activation = (active: boolean) => (inv: Invocation): CommandOutput => {
    const r = resolveRest(inv);
    if (!r.ok) return r.out;
    if (!setActive(candidateOf(inv.session, dev()), r.path, active)) return output(['warning: statement not found']);
    return output([]);
  };

  const edit = (inv: Invocation): CommandOutput => {
    const r = resolveRest(inv);
    if (!r.ok) return r.out;
    const p = r.path;
    const last = p.steps[p.steps.length - 1];
    if (p.leaves.length > 0 || (last?.schema.kind === 'list' && !last.keys)) {
      return { lines: [caretLine(ctx.promptWidth(), ctx.lineEnd()), 'syntax error, expecting <statement>.'], error: true };
    }
    inv.session.editPath = [...p.words];
    return output([]);
  };

  const show = (inv: Invocation): CommandOutput => {
    const r = resolveRest(inv);
    if (!r.ok) return r.out;
    const cand = candidateOf(inv.session, dev());
    return showTree(cand, r.path, root(), () => dev().config.active, (n) => dev().config.rollbackTree(n));
  };

  const leave = (inv: Invocation, all: boolean): CommandOutput => {
    if (!all && inv.session.editPath.length > 0) {
      inv.session.editPath = upFrom(root(), inv.session.editPath, 1);
      return output([]);
    }
    const dirty = inv.session.privateCandidate ? dev().config.isDirty(inv.session.privateCandidate) : dev().config.isDirty();
    const exit = (): CommandOutput => {
      if (inv.session.privateCandidate || inv.session.exclusive) {
        // Private and exclusive sessions take their uncommitted changes with them.
        if (inv.session.exclusive && dirty) dev().config.discardShared();
        inv.session.privateCandidate = null;
        inv.session.exclusive = false;
      }
      inv.session.mode = 'operational';
      inv.session.editPath = [];
      return output(['Exiting configuration mode']);
    };
    if (!dirty) return exit();
    return {
      lines: ['The configuration has been changed but not committed'],
      confirm: { question: 'Exit with uncommitted changes? [yes,no] (yes) ', run: async (yes) => (yes ? exit() : output([])) },
    };
  };

  const commit = (inv: Invocation): CommandOutput => {
    const db = dev().config;
    const cand = candidateOf(inv.session, dev());
    if (inv.words.has('check')) {
      const errors = db.check(cand);
      return errors.length > 0 ? { lines: formatCommitErrors(errors), error: true } : output(['configuration check succeeds']);
    }
    const confirmed = inv.words.has('confirmed');
    const minutes = confirmed ? ((inv.args.get('minutes') as number | undefined) ?? 10) : undefined;
    const comment = inv.args.get('comment') as string | undefined;
    const result = db.commit(cand, {
      user: inv.session.user,
      ...(comment !== undefined ? { comment } : {}),
      ...(minutes !== undefined ? { confirmMinutes: minutes } : {}),
    });
    if (!result.ok) return { lines: formatCommitErrors(result.errors), error: true };
    if (inv.session.privateCandidate) inv.session.privateCandidate = cloneTree(db.active);
    const lines = [...result.lines];
    if (inv.words.has('and-quit')) {
      inv.session.mode = 'operational';
      inv.session.editPath = [];
      inv.session.privateCandidate = null;
      inv.session.exclusive = false;
      lines.push('Exiting configuration mode');
    }
    return output(lines);
  };

  const rollback = (inv: Invocation): CommandOutput => {
    const n = (inv.args.get('number') as number | undefined) ?? 0;
    const tree = dev().config.rollbackTree(n);
    if (!tree) return failure(`Cannot rollback, file does not exist: rollback ${n} (${dev().config.revisions().length - 1} rollbacks exist)`);
    replaceCandidate(inv.session, dev(), tree);
    return output(['load complete']);
  };

  const load = (mode: LoadMode) => (inv: Invocation): CommandOutput | Promise<CommandOutput> => {
    const source = inv.args.get('file') as string | undefined;
    const apply = (text: string): CommandOutput => loadText(mode, text, source ?? 'terminal', inv.session, dev(), root(), obfuscate);
    if (inv.words.has('terminal')) {
      return { lines: ['[Type ^D at a new line to end input]'], readTerminal: { done: (text) => apply(text) } };
    }
    if (source === undefined) return failure('missing file name');
    return import('node:fs/promises').then(
      (fs) => fs.readFile(source, 'utf8').then(apply),
      () => failure(`could not read ${source}`),
    ).catch(() => failure(`could not read ${source}`));
  };

  const loadTarget = (mode: LoadMode): CommandNode[] => [
    keyword('terminal', 'Read configuration from the terminal', { run: load(mode) }),
    positional(wordValue('file', 'Name of the file to load'), { run: load(mode) }),
  ];

  const leaveNode = (word: string, help: string): CommandNode =>
    keyword(word, help, {
      run: (inv) => leave(inv, false),
      children: [keyword('configuration-mode', 'Exit from configuration mode', { run: (inv) => leave(inv, true) })],
    });

  return {
    help: 'configuration mode',
    children: [
      keyword('activate', 'Remove the inactive tag from a statement', { rest: pathRest(false), run: activation(true) }),
      keyword('commit', 'Commit current set of changes', {
        run: commit,
        optionsAnyOrder: true,
        children: [
          keyword('and-quit', 'Quit configuration mode if commit succeeds'),
          keyword('check', 'Check correctness of syntax; do not apply changes'),
          keyword('comment', 'Message to accompany commit', { value: wordValue('comment', 'Message to accompany commit') }),
          keyword('confirmed', 'Automatically rollback if not confirmed', {
            run: commit,
            optionsAnyOrder: true,
            children: [positional(uintValue('minutes', 'Number of minutes until automatic rollback', 1, 65535))],
          }),
        ],
      }),
      keyword('deactivate', 'Add the inactive tag to a statement', { rest: pathRest(false), run: activation(false) }),
      keyword('delete', 'Delete a data element', { rest: pathRest(true), run: remove }),
      keyword('edit', 'Edit a sub-element', { rest: pathRest(false), run: edit }),
      leaveNode('exit', 'Exit from this level'),
      keyword('load', 'Load configuration from ASCII file', {
        children: [
          keyword('merge', 'Merge contents with existing configuration', { children: loadTarget('merge') }),
          keyword('override', 'Override existing configuration', { children: loadTarget('override') }),
          keyword('replace', 'Replace configuration data', { children: loadTarget('replace') }),
          keyword('set', 'Execute set of commands', { children: loadTarget('set') }),
        ],
      }),
      leaveNode('quit', 'Quit from this level'),
      keyword('rollback', 'Roll back to previous committed configuration', {
        run: rollback,
        children: [positional(uintValue('number', 'Rollback number', 0, MAX_ROLLBACK), { run: rollback })],
      }),
      keyword('run', 'Run an operational-mode command', {
        children: operationalCommands(ctx).filter((c) => c.word !== 'configure' && c.word !== 'exit' && c.word !== 'quit'),
      }),
      keyword('set', 'Set a parameter', { rest: pathRest(false), run: set }),
      keyword('show', 'Show a parameter', { rest: pathRest(true), run: show }),
      keyword('top', 'Exit to top level of configuration', {
        run: (inv) => {
          inv.session.editPath = [];
          return output([]);
        },
      }),
      keyword('up', 'Exit one level of configuration', {
        run: (inv) => {
          inv.session.editPath = upFrom(root(), inv.session.editPath, 1);
          return output([]);
        },
        children: [
          positional(uintValue('levels', 'Number of levels to move up', 1, 100), {
            run: (inv) => {
              inv.session.editPath = upFrom(root(), inv.session.editPath, inv.args.get('levels') as number);
              return output([]);
            },
          }),
        ],
      }),
    ],
  };
}

/** The edit path `levels` statements up (a list entry counts as one level with its keys). */
function upFrom(root: ContainerSchema, path: readonly string[], levels: number): string[] {
  const r = resolvePath(root, path);
  if (!r.ok) return [];
  const steps = r.path.steps.slice(0, Math.max(0, r.path.steps.length - levels));
  const words: string[] = [];
  for (const s of steps) {
    if (s.schema.kind === 'container') words.push(s.schema.name);
    else {
      if (!s.schema.omitName) words.push(s.schema.name);
      if (s.schema.keyKeywords.length === 0) words.push(...(s.keys ?? []));
      else s.schema.keyKeywords.forEach((kw, i) => words.push(kw, s.keys?.[i] ?? ''));
    }
  }
  return words;
}

function replaceCandidate(session: Session, dev: Device, tree: DataContainer): void {
  if (session.privateCandidate) {
    session.privateCandidate = tree;
    return;
  }
  const shared = dev.config.candidate;
  for (const k of Object.keys(shared.ch)) delete shared.ch[k];
  Object.assign(shared.ch, tree.ch);
}

function showTree(
  cand: DataContainer,
  path: ResolvedPath,
  root: ContainerSchema,
  active: () => DataContainer,
  rollbackTree: (n: number) => DataContainer | undefined,
): CommandOutput {
  const node = lookup(cand, path);
  const last = path.steps[path.steps.length - 1];
  const level = last ? last.schema : root;
  let lines: string[];
  const shownLeaf = lastLeaf(path);
  if (shownLeaf) {
    const leaf = shownLeaf.schema;
    const holder: DataContainer = emptyContainer();
    if (node) holder.ch[leaf.name] = node;
    const only: ContainerSchema = { kind: 'container', name: '', help: '', path: '', presence: false, children: () => [leaf], child: () => leaf };
    lines = renderCurly(holder, only);
  } else if (node && node.t === 'c') {
    lines = renderCurly(node, level);
  } else if (node && node.t === 'l' && last?.schema.kind === 'list') {
    lines = renderListLevel(last.schema, node);
  } else {
    lines = [];
  }
  const view: ConfigView = {
    set: () => (node && node.t === 'c' && !shownLeaf ? renderSet(node, level, path.words) : lines.length > 0 ? renderSet(cand, root).filter((l) => l.startsWith(`set ${path.words.join(' ')}`)) : []),
    compare: (n) => {
      const base = n === undefined ? active() : rollbackTree(n);
      if (!base) return { error: `rollback ${n} does not exist` };
      return renderCompare(base, cand, root);
    },
  };
  return { lines, view };
}

/** `load MODE`: apply configuration text to the session's candidate. */
function loadText(
  mode: LoadMode,
  text: string,
  origin: string,
  session: Session,
  dev: Device,
  root: ContainerSchema,
  obfuscate: (p: ResolvedPath) => ResolvedPath,
): CommandOutput {
  const r = loadConfigText(mode, text, candidateOf(session, dev), { root, origin, editSteps: editSteps(root, session), transform: obfuscate });
  if (!r.ok) return { lines: [r.error, 'error: load failed'], error: true };
  // As on Junos, statements that could not be read are reported and the rest is loaded.
  replaceCandidate(session, dev, r.tree);
  if (r.errors.length > 0) return { lines: [...r.errors, `load complete (${r.errors.length} errors)`], error: true };
  return output(['load complete']);
}
