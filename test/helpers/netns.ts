/**
 * Network namespaces a test makes for itself (root and iproute2's `ip netns`, as on the
 * project's machines): unique names carrying the owner's pid, commands and long-running
 * processes inside them, and cleanup — of the processes the test started (by pid), of anything
 * else still running inside (by `ip netns pids`), then of the namespace itself (by name). A
 * namespace left behind by a test process that died (its owner pid is gone) is removed the next
 * time one is made; whatever is still open when the test process exits is removed by an exit
 * hook.
 */
import { spawn, spawnSync, type ChildProcess, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';

/** Every namespace this module makes is called `srx5k-TAG-PID-N`. */
const NAME = /^srx5k-([a-z0-9]+)-(\d+)-(\d+)$/;

export interface ExecResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsMissing(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'network namespaces need root';
  const ip = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (ip.error || ip.status !== 0) return `\`ip netns\` is not usable (iproute2 missing?): ${ip.error?.message ?? ip.stderr.trim()}`;
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killPidsIn(name: string): void {
  const r = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  for (const p of (r.stdout ?? '').split('\n')) {
    const pid = Number(p.trim());
    if (Number.isInteger(pid) && pid > 1) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** Remove namespaces this module made in test processes that no longer exist. */
export function sweepStaleNamespaces(): string[] {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const removed: string[] = [];
  for (const line of (list.stdout ?? '').split('\n')) {
    const name = line.trim().split(/\s+/)[0] ?? '';
    const m = NAME.exec(name);
    if (!m || Number(m[2]) === process.pid || alive(Number(m[2]))) continue;
    killPidsIn(name);
    spawnSync('ip', ['netns', 'del', name]);
    removed.push(name);
  }
  return removed;
}

const open = new Set<Netns>();
let counter = 0;
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const ns of open) ns.destroySync();
  });
}

export class Netns {
  private readonly children = new Set<ChildProcess>();

  private constructor(readonly name: string) {}

  /** A new namespace `srx5k-TAG-PID-N` with its loopback up. */
  static create(tag: string): Netns {
    if (!/^[a-z0-9]+$/.test(tag)) throw new Error(`namespace tag '${tag}': lower-case letters and digits only`);
    sweepStaleNamespaces();
    const ns = new Netns(`srx5k-${tag}-${process.pid}-${++counter}`);
    const r = spawnSync('ip', ['netns', 'add', ns.name], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`cannot create network namespace ${ns.name} (needs root and iproute2): ${r.error?.message ?? r.stderr.trim()}`);
    }
    open.add(ns);
    hookExit();
    ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  /** `ip -n NAME ARGS`; throws with ip's message when it fails. */
  ip(...args: string[]): string {
    const r = spawnSync('ip', ['-n', this.name, ...args], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`ip -n ${this.name} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
    return r.stdout;
  }

  /** Run ARGV inside the namespace and wait for it (never throws; look at status). */
  exec(argv: readonly string[], timeoutMs = 20_000): ExecResult {
    const r = spawnSync('ip', ['netns', 'exec', this.name, ...argv], { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
  }

  /**
   * Start ARGV inside the namespace with piped stdio (`ip netns exec` and the usual wrappers
   * exec, so the child's pid is the program's). Stopped by `destroy` if still running.
   */
  spawn(argv: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): ChildProcessWithoutNullStreams {
    return this.start(argv, { ...options, stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
  }

  /** Like `spawn`, with the caller's stdio (e.g. a log file). */
  start(argv: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, ...argv], options);
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** The pids of every process inside the namespace. */
  pids(): number[] {
    const r = spawnSync('ip', ['netns', 'pids', this.name], { encoding: 'utf8' });
    return (r.stdout ?? '')
      .split('\n')
      .map((p) => Number(p.trim()))
      .filter((p) => Number.isInteger(p) && p > 0);
  }

  /** SIGTERM the children this object started, SIGKILL what remains after graceMs, delete the namespace. */
  async destroy(graceMs = 2_000): Promise<void> {
    const running = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of running) c.kill('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (running.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await sleep(20);
    this.destroySync();
  }

  /** SIGKILL everything inside and delete the namespace, now (also from the exit hook). */
  destroySync(): void {
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    killPidsIn(this.name);
    spawnSync('ip', ['netns', 'del', this.name]);
    open.delete(this);
  }
}
