/**
 * The configuration database of one device: the active configuration with its rollback history
 * (rollback 0 is the active one, up to 49 older ones), the shared candidate, and `commit
 * confirmed`'s timer on the device clock.
 *
 * Commit is a transaction: the whole candidate is validated first; any error refuses the commit
 * and changes nothing; only then is it applied (which must not fail) and recorded.
 */
import type { Clock, TimerHandle } from '../sim/clock.js';
import { cloneTree, sameTree, type DataContainer } from './data.js';

export const MAX_ROLLBACK = 49;

export interface CommitRecord {
  readonly tree: DataContainer;
  readonly time: number;
  readonly user: string;
  readonly client: 'cli' | 'confirmed-rollback' | 'factory';
  readonly comment?: string;
}

/** One problem found by commit check, printed the Junos way. */
export interface CommitError {
  /** The `[edit …]` level the problem is reported at (keywords and key values). */
  readonly level: readonly string[];
  /** The offending statement, quoted on its own line (e.g. `anti-replay-window-size 100`). */
  readonly statement: string;
  readonly message: string;
}

export type Validator = (candidate: DataContainer) => CommitError[];
export type Applier = (active: DataContainer) => void;

export interface CommitOptions {
  readonly user: string;
  readonly comment?: string;
  /** `commit confirmed N`: roll back by itself unless confirmed within N minutes. */
  readonly confirmMinutes?: number;
}

export type CommitOutcome = { readonly ok: true; readonly lines: string[] } | { readonly ok: false; readonly errors: CommitError[] };

export interface ConfigSnapshot {
  readonly history: readonly CommitRecord[];
  readonly candidate: DataContainer;
  readonly confirmDeadline: number | null;
}

export class ConfigDatabase {
  private history: CommitRecord[];
  /**
   * The shared candidate; undefined while it would equal the active configuration (after a
   * commit, a discard or a rollback): it is copied from the active one when first asked for,
   * so a device nobody configures does not hold its configuration twice.
   */
  private shared: DataContainer | undefined;
  private confirm: { deadline: number; handle: TimerHandle } | null = null;
  private notices: string[] = [];

  constructor(
    initial: DataContainer,
    private readonly clock: Clock,
    private readonly validate: Validator,
    private readonly apply: Applier,
  ) {
    this.history = [{ tree: cloneTree(initial), time: clock.now(), user: 'root', client: 'factory' }];
    this.shared = undefined;
  }

  static restore(s: ConfigSnapshot, clock: Clock, validate: Validator, apply: Applier): ConfigDatabase {
    const db = new ConfigDatabase(s.history[0]!.tree, clock, validate, apply);
    db.history = s.history.map((r) => ({ ...r, tree: cloneTree(r.tree) }));
    db.shared = cloneTree(s.candidate);
    if (s.confirmDeadline !== null) db.armConfirm(Math.max(0, s.confirmDeadline - clock.now()));
    return db;
  }

  snapshot(): ConfigSnapshot {
    // An untouched candidate is the active configuration: saved as that, without copying it.
    return { history: this.history, candidate: this.shared ?? this.active, confirmDeadline: this.confirm?.deadline ?? null };
  }

  /** The active configuration (do not mutate). */
  get active(): DataContainer {
    return this.history[0]!.tree;
  }

  /** The shared candidate that `configure` edits. */
  get candidate(): DataContainer {
    this.shared ??= cloneTree(this.active);
    return this.shared;
  }

  /** A fresh private candidate (`configure private`). */
  privateCopy(): DataContainer {
    return cloneTree(this.active);
  }

  isDirty(candidate: DataContainer | undefined = this.shared): boolean {
    return candidate !== undefined && !sameTree(candidate, this.active);
  }

  /** Throw away uncommitted changes of the shared candidate. */
  discardShared(): void {
    this.shared = undefined;
  }

  revisions(): readonly CommitRecord[] {
    return this.history;
  }

  /** Minutes left before a pending `commit confirmed` rolls back, or null. */
  confirmMinutesLeft(): number | null {
    if (!this.confirm) return null;
    return Math.max(1, Math.ceil((this.confirm.deadline - this.clock.now()) / 60_000));
  }

  /** Messages for the console that arose between commands (an automatic rollback). */
  takeNotices(): string[] {
    const n = this.notices;
    this.notices = [];
    return n;
  }

  check(candidate: DataContainer): CommitError[] {
    return this.validate(candidate);
  }

  commit(candidate: DataContainer, opts: CommitOptions): CommitOutcome {
    const errors = this.validate(candidate);
    if (errors.length > 0) return { ok: false, errors };
    const lines: string[] = [];
    if (this.confirm) {
      // Any commit confirms a pending `commit confirmed`.
      this.clock.clearTimeout(this.confirm.handle);
      this.confirm = null;
    }
    this.record({ tree: cloneTree(candidate), time: this.clock.now(), user: opts.user, client: 'cli', ...(opts.comment ? { comment: opts.comment } : {}) });
    // The shared candidate now starts from the new active configuration (with `configure
    // private` it was clean already: private mode is refused while it is not).
    this.shared = undefined;
    if (opts.confirmMinutes !== undefined) {
      this.armConfirm(opts.confirmMinutes * 60_000);
      lines.push(`commit confirmed will be automatically rolled back in ${opts.confirmMinutes} minutes unless confirmed`);
    }
    lines.push('commit complete');
    return { ok: true, lines };
  }

  /** The configuration of rollback N (0 = active), or undefined when there is none. */
  rollbackTree(n: number): DataContainer | undefined {
    const r = this.history[n];
    return r ? cloneTree(r.tree) : undefined;
  }

  private record(rec: CommitRecord): void {
    this.history.unshift(rec);
    if (this.history.length > MAX_ROLLBACK + 1) this.history.length = MAX_ROLLBACK + 1;
    this.apply(this.active);
  }

  private armConfirm(ms: number): void {
    const deadline = this.clock.now() + ms;
    const handle = this.clock.setTimeout(() => this.autoRollback(), ms);
    this.confirm = { deadline, handle };
  }

  private autoRollback(): void {
    this.confirm = null;
    const previous = this.history[1];
    if (!previous) return;
    const candidateWasClean = !this.isDirty();
    this.record({ tree: cloneTree(previous.tree), time: this.clock.now(), user: 'root', client: 'confirmed-rollback' });
    if (candidateWasClean) this.shared = undefined;
    this.notices.push('Commit was not confirmed; automatic rollback complete.');
  }
}
