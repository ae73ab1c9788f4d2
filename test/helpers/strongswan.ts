/**
 * strongSwan (charon 5.9.8, Debian 12) as the real IKEv2 peer of srx5k, in network namespaces
 * of the test's own. .ci/run installs the packages (about 10 s); `strongswanMissing()` says why a
 * machine cannot run it (not root, no `ip netns`, a package, plugin or /dev/net/tun missing).
 *
 * Lab (`startLab`): two namespaces `srx5k-sw-PID-N` joined by a veth pair —
 *   srx5k side  `xe0`  10.99.0.1/24: run `srx5k --batch --attach xe-0/0/0` there (`spawnSrx5k`)
 *               with `set interfaces xe-0/0/0 unit 0 family inet address 10.99.0.1/24`
 *               (chassis/net/host-attach.ts binds its UDP sockets to the first inet address of
 *               the attached port's unit 0, so that address must exist in the namespace: it does);
 *   peer side   `eth0` 10.99.0.2/24 and charon; 10.99.2.1/32 on its `lo` is the host "behind"
 *               charon: the kernel answers the pings that arrive decrypted through the tunnel.
 * This kernel has no `dummy` link type ("Unknown device type"), hence addresses on `lo`. Nothing
 * listens on UDP in the srx5k namespace (`udpBound('srx5k')` is empty; binding 10.99.0.1:500 and
 * :4500 with `exclusive: true` succeeds): srx5k can take both ports there.
 *
 * charon (`startCharon`): one per namespace, `ip netns exec NS unshare --mount --propagation
 * private sh -c 'mount -t tmpfs … /run && exec charon'` (its pid file path is compiled in), with
 * STRONGSWAN_CONF = a generated strongswan.conf in the lab's temp folder: explicit plugin list
 * (kdf, or PRF_HMAC_SHA2_* fails; kernel-libipsec, because this kernel has no ESP/GCM xfrm;
 * kernel-netlink still for addresses and routes), the vici socket in that folder (swanctl always
 * gets `--uri unix://…`), a file log with ike=4 chd=4 knl=2 (SPIs, IKE and ESP keys, failure
 * reasons), retransmits of 1 s ×1.4, 4 tries. Connections come from a typed description
 * (`ConnectionSpec`) and are loaded with `swanctl --load-all --file`.
 *
 * Wire behaviour observed (packet sniffer on xe0 in the srx5k namespace):
 * - IKE_SA_INIT 500 → 500. kernel-libipsec makes charon fake its NAT-D source hash. Against a peer
 *   that does not fake (what srx5k will be; stood in for by charon with kernel-netlink) charon logs
 *   "faking NAT situation to enforce UDP encapsulation" (nat-fake=yes nat-any=yes) and the honest
 *   peer logs "remote host is behind NAT" (nat-remote=yes). Two libipsec charons each log
 *   "remote host is behind NAT".
 * - From IKE_AUTH on, all IKE (IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL) is 4500 ↔ 4500 with the
 *   4-byte zero non-ESP marker, whichever side initiates: charon as initiator floats to 4500 by
 *   itself; as responder it expects the initiator (srx5k) to float after seeing the fake NAT.
 * - ESP is ESP-in-UDP 4500 ↔ 4500 (RFC 3948, `TUNNEL-in-UDP`, encap=yes); never protocol 50.
 * - A CHILD_SA rekey (`swanctl --rekey --child`) is one CREATE_CHILD_SA exchange plus one
 *   INFORMATIONAL (delete of the old SA); SIGTERM makes charon send an IKE delete first.
 * So srx5k must answer/send IKE_SA_INIT on 500, compute NAT-D honestly, treat the peer as behind
 * NAT, and run everything after IKE_SA_INIT on 4500 with the marker (host-attach now bridges 4500
 * only; the IKE daemon needs 500 too).
 *
 * Counters (`listSas`, from `swanctl --list-sas --pretty`): `packetsIn` rises only for ESP that
 * libipsec decrypted and verified (5 pings → +5 in and +5 out). After a rekey the old CHILD_SA
 * stays listed for a while (state DELETED, counters frozen) beside the new INSTALLED one: read
 * the INSTALLED child (`installedChild`), not the first listed. New SPIs show on both sides at
 * once (one side's in = the other's out).
 *
 * Timings (ms, this 2-core machine; idle / with 4 busy loops competing):
 *   lab up 35 / —; charon spawn → vici answering 35–55 (once 116) / up to 285;
 *   both charons loaded → CHILD_SA INSTALLED on both 75–105 / up to 911; `initiate()` 22;
 *   5 pings through the tunnel 100–130 / up to 1450; rekey → new SPIs on both 40–70 / up to 712;
 *   charon stop (SIGTERM → exit) ≈ 40; lab stop ≈ 15; one whole suite (lab, two charons,
 *   establish, ping, rekey, ping, cleanup) 0.8–1.7 s / up to 6.7 s.
 *   Wrong PSK: `initiate()` fails in 20 ms (initiator: "received AUTHENTICATION_FAILED notify
 *   error"; responder: "tried 1 shared key for … but MAC mismatched"). Nobody answering:
 *   `initiate()` gives up after 10.9 s with these retransmit settings. The WAIT bounds allow
 *   about ten times the loaded figures.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, netnsMissing, type ExecResult } from './netns.js';
import { BIN, ROOT } from './program.js';

export type { ExecResult } from './netns.js';

export const CHARON = '/usr/lib/ipsec/charon';
export const SWANCTL = '/usr/sbin/swanctl';
const PLUGIN_DIR = '/usr/lib/ipsec/plugins';

/** Addresses of the lab (all inside its own namespaces). */
export const LAB = {
  /** xe-0/0/0 of srx5k (`xe0` in the srx5k namespace). */
  srx5k: '10.99.0.1',
  /** charon's address (`eth0` in the peer namespace). */
  peer: '10.99.0.2',
  prefixLength: 24,
  /** On the peer namespace's lo: answers pings that come through the tunnel. */
  behindPeer: '10.99.2.1',
  /** The address behind the srx5k side (srx5k's lo0 in the real test; on lo in the proof). */
  behindSrx5k: '10.99.1.1',
} as const;

/** Bounded waits (see the timings in the doc comment above). */
export const WAIT = {
  charonReadyMs: 5_000,
  establishMs: 10_000,
  rekeyMs: 10_000,
  stopMs: 5_000,
} as const;

/** Plugins charon loads: kernel-libipsec is the IPsec backend (SAs, ESP), kernel-netlink still does addresses and routes. */
export const PLUGINS = [
  'random', 'nonce', 'openssl', 'aes', 'sha1', 'sha2', 'hmac', 'gcm', 'kdf', 'gmp', 'curve25519',
  'pem', 'pkcs1', 'x509', 'pubkey', 'kernel-libipsec', 'kernel-netlink', 'socket-default', 'vici',
] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why strongSwan cannot run here (missing package, not root, no `ip netns`, no TUN), or undefined. */
export function strongswanMissing(): string | undefined {
  const ns = netnsMissing();
  if (ns) return ns;
  const install =
    'apt-get install -y --no-install-recommends strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins libstrongswan-standard-plugins (.ci/run does this)';
  if (!existsSync(CHARON)) return `${CHARON} is missing: ${install}`;
  if (!existsSync(SWANCTL)) return `${SWANCTL} is missing: ${install}`;
  for (const p of PLUGINS) if (!existsSync(join(PLUGIN_DIR, `libstrongswan-${p}.so`))) return `strongSwan plugin ${p} is missing: ${install}`;
  if (!existsSync('/dev/net/tun')) return 'kernel-libipsec needs /dev/net/tun';
  for (const tool of ['unshare', 'mount']) if (spawnSync(tool, ['--version']).error) return `${tool} (util-linux) is missing`;
  return undefined;
}

export function strongswanAvailable(): boolean {
  return strongswanMissing() === undefined;
}

// ---------------------------------------------------------------------------------------------
// The lab: two namespaces and a veth pair.

export type Side = 'srx5k' | 'peer';

export interface LabOptions {
  /** Addresses (CIDR) on the peer namespace's lo; default [`${LAB.behindPeer}/32`]. */
  readonly behindPeer?: readonly string[];
  /** Addresses (CIDR) on the srx5k namespace's lo; default none (srx5k has its own lo0). */
  readonly behindSrx5k?: readonly string[];
  /** Keep the temp folder (configs, charon logs) after stop, e.g. to read it after a failure. */
  readonly keepDir?: boolean;
}

export interface StrongswanLab {
  /** Namespace names, e.g. srx5k-sw-1234-1 (srx5k side), srx5k-sw-1234-2 (peer). */
  readonly namespaces: Readonly<Record<Side, string>>;
  /** The veth end in each namespace: `xe0` (srx5k side, 10.99.0.1/24), `eth0` (peer, 10.99.0.2/24). */
  readonly interfaces: Readonly<Record<Side, string>>;
  /** Temp folder with each charon's strongswan.conf, swanctl.conf, charon.log, vici socket. */
  readonly dir: string;
  /** Run ARGV inside a namespace and wait (never throws). */
  exec(side: Side, argv: readonly string[], timeoutMs?: number): ExecResult;
  /** Start ARGV inside a namespace, stdio piped, cwd the repository; stopped by `stop`. */
  spawnInNs(side: Side, argv: readonly string[]): ChildProcessWithoutNullStreams;
  /** `node bin/srx5k.js ARGS` in the srx5k namespace, e.g. ['--batch', '--attach', 'xe-0/0/0']. */
  spawnSrx5k(args: readonly string[]): ChildProcessWithoutNullStreams;
  /** UDP sockets bound in a namespace, as `ADDRESS:PORT` (from `ss -Hlun`). */
  udpBound(side: Side): string[];
  /** @internal the namespace objects (startCharon uses them). */
  readonly ns: Readonly<Record<Side, Netns>>;
  /** Stop every charon and process started here, delete both namespaces and (unless keepDir) the folder. */
  stop(): Promise<void>;
}

/** Open labs, and the stop functions of the charons each one runs. */
const labs = new Map<StrongswanLab, Array<() => Promise<void>>>();
/** Temp folders of open labs: removed at exit if a lab was never stopped (netns.ts kills and deletes the rest). */
const labDirs = new Set<string>();
let exitHooked = false;

/** Remove lab folders left by test processes that were killed (their pid is gone). */
function sweepStaleDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = /^srx5k-strongswan-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const d of labDirs) rmSync(d, { recursive: true, force: true });
  });
}

export function startLab(opts: LabOptions = {}): StrongswanLab {
  const missing = netnsMissing();
  if (missing) throw new Error(`strongSwan lab: ${missing}`);
  const made: Netns[] = [];
  try {
    const srx = Netns.create('sw');
    made.push(srx);
    const peer = Netns.create('sw');
    made.push(peer);
    srx.ip('link', 'add', 'xe0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peer.name);
    srx.ip('addr', 'add', `${LAB.srx5k}/${LAB.prefixLength}`, 'dev', 'xe0');
    srx.ip('link', 'set', 'xe0', 'up');
    peer.ip('addr', 'add', `${LAB.peer}/${LAB.prefixLength}`, 'dev', 'eth0');
    peer.ip('link', 'set', 'eth0', 'up');
    for (const a of opts.behindPeer ?? [`${LAB.behindPeer}/32`]) peer.ip('addr', 'add', a, 'dev', 'lo');
    for (const a of opts.behindSrx5k ?? []) srx.ip('addr', 'add', a, 'dev', 'lo');
    const ns = { srx5k: srx, peer };
    sweepStaleDirs();
    const dir = mkdtempSync(join(tmpdir(), `srx5k-strongswan-${process.pid}-`));
    const stops: Array<() => Promise<void>> = [];
    let stopped = false;
    const lab: StrongswanLab = {
      namespaces: { srx5k: srx.name, peer: peer.name },
      interfaces: { srx5k: 'xe0', peer: 'eth0' },
      dir,
      ns,
      exec: (side, argv, timeoutMs) => ns[side].exec(argv, timeoutMs),
      spawnInNs: (side, argv) => ns[side].spawn(argv, { cwd: ROOT }),
      spawnSrx5k: (args) => srx.spawn([process.execPath, BIN, ...args], { cwd: ROOT }),
      udpBound: (side) =>
        ns[side]
          .exec(['ss', '-Hlun'])
          .stdout.split('\n')
          .map((l) => l.trim().split(/\s+/)[3])
          .filter((a): a is string => a !== undefined && a !== ''),
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.all(stops.splice(0).map((s) => s().catch(() => undefined)));
        await Promise.all([srx.destroy(), peer.destroy()]);
        labs.delete(lab);
        labDirs.delete(dir);
        if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
      },
    };
    labs.set(lab, stops);
    if (!opts.keepDir) labDirs.add(dir);
    hookExit();
    return lab;
  } catch (err) {
    for (const n of made) n.destroySync();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// charon's configuration.

export interface ChildSpec {
  readonly name: string;
  readonly localTs: readonly string[];
  readonly remoteTs: readonly string[];
  /** strongSwan syntax, e.g. ['aes128gcm16'], ['aes256-sha256'], ['aes128gcm16-ecp256'] (PFS). */
  readonly espProposals: readonly string[];
  /** `rekey_time` (e.g. '1h', '30s', 0 = never); strongSwan's default 1h. */
  readonly rekeyTime?: string | number;
  readonly lifeTime?: string | number;
  readonly rekeyPackets?: number;
  readonly rekeyBytes?: number;
  /** Default from the connection's role: `start` for an initiator, `none` for a responder. */
  readonly startAction?: 'none' | 'start' | 'trap';
  readonly dpdAction?: 'clear' | 'trap' | 'restart';
  readonly closeAction?: 'none' | 'trap' | 'start';
  readonly replayWindow?: number;
}

export interface ConnectionSpec {
  readonly name: string;
  /** charon's address; default the namespace's veth address. */
  readonly localAddrs?: string;
  /** The peer's address (or %any for a responder). */
  readonly remoteAddrs: string;
  /** IKE identities; default the local and remote addresses (ID_IPV4_ADDR, like Junos' default). */
  readonly localId?: string;
  readonly remoteId?: string;
  readonly psk: string;
  /** strongSwan syntax, e.g. ['aes128gcm16-prfsha256-ecp256'], ['aes256-sha256-modp2048']. */
  readonly ikeProposals: readonly string[];
  /** initiator: children `start_action = start` (charon initiates at load); responder: waits. */
  readonly role: 'initiator' | 'responder';
  /** IKE SA `rekey_time` (default strongSwan's 4h); 0 = never. */
  readonly rekeyTime?: string | number;
  readonly reauthTime?: string | number;
  readonly overTime?: string | number;
  /** DPD interval (`dpd_delay`, e.g. '10s'); default none. */
  readonly dpdDelay?: string | number;
  readonly fragmentation?: 'yes' | 'no' | 'accept' | 'force';
  /** Default false: Junos does not do MOBIKE. */
  readonly mobike?: boolean;
  /** Force UDP encapsulation (kernel-libipsec forces it anyway). */
  readonly encap?: boolean;
  readonly keyingtries?: number;
  readonly children: readonly ChildSpec[];
}

export interface CharonConfig {
  /** Which namespace charon runs in; default 'peer' ('srx5k' only for two-charon proofs). */
  readonly side?: Side;
  readonly connections: readonly ConnectionSpec[];
  /** IKE retransmission; default { timeout: 1, base: 1.4, tries: 4 } (gives up after about 10 s). */
  readonly retransmit?: { readonly timeout: number; readonly base: number; readonly tries: number };
  /** Lines added inside `charon { … }` of strongswan.conf, e.g. ['dos_protection = no']. */
  readonly extraCharonSettings?: readonly string[];
  /** Replace PLUGINS (experiments only: without kernel-libipsec no CHILD_SA installs here). */
  readonly plugins?: readonly string[];
}

function word(what: string, v: string | number): string {
  const s = String(v);
  if (!/^[^\s{}"=#]+$/.test(s)) throw new Error(`strongSwan config: ${what} '${s}' has spaces, braces, quotes, = or #`);
  return s;
}

const list = (what: string, vs: readonly string[]): string => vs.map((v) => word(what, v)).join(', ');

/** swanctl.conf for these connections, with one PSK secret per connection. */
export function swanctlConf(connections: readonly ConnectionSpec[], localAddress: string): string {
  const out: string[] = ['# generated by test/helpers/strongswan.ts', 'connections {'];
  const secrets: string[] = ['secrets {'];
  for (const c of connections) {
    const local = c.localAddrs ?? localAddress;
    const localId = c.localId ?? local;
    const remoteId = c.remoteId ?? c.remoteAddrs;
    out.push(`  ${word('name', c.name)} {`, '    version = 2', `    local_addrs = ${word('local_addrs', local)}`, `    remote_addrs = ${word('remote_addrs', c.remoteAddrs)}`);
    out.push(`    proposals = ${list('proposal', c.ikeProposals)}`, `    mobike = ${c.mobike ? 'yes' : 'no'}`, `    keyingtries = ${c.keyingtries ?? 1}`);
    if (c.rekeyTime !== undefined) out.push(`    rekey_time = ${word('rekey_time', c.rekeyTime)}`);
    if (c.reauthTime !== undefined) out.push(`    reauth_time = ${word('reauth_time', c.reauthTime)}`);
    if (c.overTime !== undefined) out.push(`    over_time = ${word('over_time', c.overTime)}`);
    if (c.dpdDelay !== undefined) out.push(`    dpd_delay = ${word('dpd_delay', c.dpdDelay)}`);
    if (c.fragmentation !== undefined) out.push(`    fragmentation = ${c.fragmentation}`);
    if (c.encap !== undefined) out.push(`    encap = ${c.encap ? 'yes' : 'no'}`);
    out.push('    local {', '      auth = psk', `      id = ${word('id', localId)}`, '    }');
    out.push('    remote {', '      auth = psk', `      id = ${word('id', remoteId)}`, '    }');
    out.push('    children {');
    for (const ch of c.children) {
      out.push(`      ${word('child name', ch.name)} {`, '        mode = tunnel');
      out.push(`        local_ts = ${list('local_ts', ch.localTs)}`, `        remote_ts = ${list('remote_ts', ch.remoteTs)}`);
      out.push(`        esp_proposals = ${list('esp proposal', ch.espProposals)}`);
      out.push(`        start_action = ${ch.startAction ?? (c.role === 'initiator' ? 'start' : 'none')}`);
      if (ch.rekeyTime !== undefined) out.push(`        rekey_time = ${word('rekey_time', ch.rekeyTime)}`);
      if (ch.lifeTime !== undefined) out.push(`        life_time = ${word('life_time', ch.lifeTime)}`);
      if (ch.rekeyPackets !== undefined) out.push(`        rekey_packets = ${ch.rekeyPackets}`);
      if (ch.rekeyBytes !== undefined) out.push(`        rekey_bytes = ${ch.rekeyBytes}`);
      if (ch.dpdAction !== undefined) out.push(`        dpd_action = ${ch.dpdAction}`);
      if (ch.closeAction !== undefined) out.push(`        close_action = ${ch.closeAction}`);
      if (ch.replayWindow !== undefined) out.push(`        replay_window = ${ch.replayWindow}`);
      out.push('      }');
    }
    out.push('    }', '  }');
    if (/["\n\\]/.test(c.psk)) throw new Error('strongSwan config: the PSK may not contain quotes, backslashes or newlines');
    secrets.push(`  ike-${c.name} {`, `    id-local = ${localId}`, `    id-remote = ${remoteId}`, `    secret = "${c.psk}"`, '  }');
  }
  out.push('}', ...secrets, '}', '');
  return out.join('\n');
}

/** strongswan.conf: explicit plugins, private vici socket, file log with keys and reasons. */
export function strongswanConf(dir: string, cfg: Pick<CharonConfig, 'retransmit' | 'extraCharonSettings' | 'plugins'>): string {
  const r = cfg.retransmit ?? { timeout: 1, base: 1.4, tries: 4 };
  return [
    '# generated by test/helpers/strongswan.ts',
    'charon {',
    `  load = ${(cfg.plugins ?? PLUGINS).join(' ')}`,
    `  retransmit_timeout = ${r.timeout}`,
    `  retransmit_base = ${r.base}`,
    `  retransmit_tries = ${r.tries}`,
    '  install_virtual_ip = no',
    ...(cfg.extraCharonSettings ?? []).map((l) => `  ${l}`),
    '  filelog {',
    '    lab {',
    `      path = ${join(dir, 'charon.log')}`,
    '      time_format = %T',
    '      append = no',
    '      flush_line = yes',
    '      default = 1',
    '      ike = 4',
    '      chd = 4',
    '      knl = 2',
    '      net = 2',
    '      cfg = 2',
    '    }',
    '  }',
    '  plugins {',
    '    vici {',
    `      socket = unix://${join(dir, 'charon.vici')}`,
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// `swanctl --list-sas --pretty`, parsed.

export interface ChildSa {
  readonly name: string;
  readonly uniqueId: number;
  readonly reqId: number;
  /** INSTALLED, REKEYING, REKEYED, DELETING, DELETED, … */
  readonly state: string;
  /** TUNNEL or TRANSPORT. */
  readonly mode: string;
  readonly protocol: string;
  /** UDP encapsulation (always true with kernel-libipsec). */
  readonly encap: boolean;
  /** As swanctl prints it without --pretty: `TUNNEL-in-UDP`. */
  readonly encapsulation: string;
  /** Hex, 8 digits, as charon prints them. */
  readonly spiIn: string;
  readonly spiOut: string;
  /** e.g. AES_GCM_16-128, AES_CBC-256/HMAC_SHA2_256_128 (with /GROUP when PFS was used). */
  readonly proposal: string;
  readonly bytesIn: number;
  readonly packetsIn: number;
  readonly bytesOut: number;
  readonly packetsOut: number;
  readonly localTs: readonly string[];
  readonly remoteTs: readonly string[];
  /** Every field as listed. */
  readonly raw: Readonly<Record<string, string>>;
}

export interface IkeSa {
  readonly name: string;
  readonly uniqueId: number;
  readonly version: number;
  /** CONNECTING, ESTABLISHED, REKEYING, DELETING, … */
  readonly state: string;
  readonly localHost: string;
  readonly localPort: number;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly localId: string;
  readonly remoteId: string;
  /** charon initiated this IKE SA. */
  readonly initiator: boolean;
  readonly initiatorSpi: string;
  readonly responderSpi: string;
  readonly natLocal: boolean;
  readonly natRemote: boolean;
  /** charon faked NAT-D to force UDP encapsulation (kernel-libipsec facing a peer that does not fake). */
  readonly natFake: boolean;
  /** Any of the above: IKE and ESP run on 4500. */
  readonly natAny: boolean;
  /** e.g. AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256, AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048. */
  readonly proposal: string;
  readonly children: readonly ChildSa[];
  readonly raw: Readonly<Record<string, string>>;
}

interface Section {
  fields: Record<string, string>;
  lists: Record<string, string[]>;
  sections: Array<[string, Section]>;
}

function parseTree(text: string): Section[] {
  const events: Section[] = [];
  const stack: Section[] = [];
  let inList: string[] | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (inList) {
      if (line === ']') inList = undefined;
      else inList.push(line);
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^(.*?)\s*\{$/.exec(line))) {
      const s: Section = { fields: {}, lists: {}, sections: [] };
      const top = stack[stack.length - 1];
      if (top) top.sections.push([m[1]!, s]);
      else if (m[1] === 'list-sa event') events.push(s);
      stack.push(s);
    } else if (line === '}') {
      stack.pop();
    } else if ((m = /^(\S+)\s*=\s*\[$/.exec(line)) || (m = /^(\S+)\s*\[$/.exec(line))) {
      const top = stack[stack.length - 1];
      inList = [];
      if (top) top.lists[m[1]!] = inList;
    } else if ((m = /^(\S+)\s*=\s*(.*)$/.exec(line))) {
      const top = stack[stack.length - 1];
      if (top) top.fields[m[1]!] = m[2]!;
    }
  }
  return events;
}

const num = (v: string | undefined): number => (v === undefined ? 0 : Number(v));

function alg(f: Record<string, string>): string[] {
  const parts: string[] = [];
  if (f['encr-alg']) parts.push(f['encr-keysize'] ? `${f['encr-alg']}-${f['encr-keysize']}` : f['encr-alg']);
  if (f['integ-alg']) parts.push(f['integ-keysize'] ? `${f['integ-alg']}-${f['integ-keysize']}` : f['integ-alg']);
  return parts;
}

/** The IKE SAs (with their CHILD SAs) in `swanctl --list-sas --pretty` output. */
export function parseListSas(text: string): IkeSa[] {
  const out: IkeSa[] = [];
  for (const ev of parseTree(text)) {
    for (const [name, ike] of ev.sections) {
      const f = ike.fields;
      const children: ChildSa[] = [];
      for (const [key, sec] of ike.sections) {
        if (key !== 'child-sas') continue;
        for (const [, ch] of sec.sections) {
          const c = ch.fields;
          const mode = c['mode'] ?? '';
          const encap = c['encap'] === 'yes';
          children.push({
            name: c['name'] ?? '',
            uniqueId: num(c['uniqueid']),
            reqId: num(c['reqid']),
            state: c['state'] ?? '',
            mode,
            protocol: c['protocol'] ?? '',
            encap,
            encapsulation: `${mode}${encap ? '-in-UDP' : ''}`,
            spiIn: c['spi-in'] ?? '',
            spiOut: c['spi-out'] ?? '',
            proposal: [...alg(c), ...(c['dh-group'] ? [c['dh-group']] : [])].join('/'),
            bytesIn: num(c['bytes-in']),
            packetsIn: num(c['packets-in']),
            bytesOut: num(c['bytes-out']),
            packetsOut: num(c['packets-out']),
            localTs: ch.lists['local-ts'] ?? [],
            remoteTs: ch.lists['remote-ts'] ?? [],
            raw: c,
          });
        }
      }
      out.push({
        name,
        uniqueId: num(f['uniqueid']),
        version: num(f['version']),
        state: f['state'] ?? '',
        localHost: f['local-host'] ?? '',
        localPort: num(f['local-port']),
        remoteHost: f['remote-host'] ?? '',
        remotePort: num(f['remote-port']),
        localId: f['local-id'] ?? '',
        remoteId: f['remote-id'] ?? '',
        initiator: f['initiator'] === 'yes',
        initiatorSpi: f['initiator-spi'] ?? '',
        responderSpi: f['responder-spi'] ?? '',
        natLocal: f['nat-local'] === 'yes',
        natRemote: f['nat-remote'] === 'yes',
        natFake: f['nat-fake'] === 'yes',
        natAny: f['nat-any'] === 'yes',
        proposal: [...alg(f), ...(f['prf-alg'] ? [f['prf-alg']] : []), ...(f['dh-group'] ? [f['dh-group']] : [])].join('/'),
        children,
        raw: f,
      });
    }
  }
  return out;
}

/** The INSTALLED CHILD SA named NAME (the one whose counters move), with its IKE SA. */
export function installedChild(sas: readonly IkeSa[], name: string): { ike: IkeSa; child: ChildSa } | undefined {
  for (const ike of sas) for (const child of ike.children) if (child.name === name && child.state === 'INSTALLED') return { ike, child };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// charon.

export interface Charon {
  readonly side: Side;
  readonly pid: number;
  /** `unix://…/charon.vici`, for swanctl's --uri. */
  readonly uri: string;
  readonly dir: string;
  /** ms from spawn to vici answering. */
  readonly readyMs: number;
  /** `swanctl ARGS --uri …` (sync, never throws). */
  swanctl(args: readonly string[], timeoutMs?: number): ExecResult;
  /** `swanctl --initiate --child CHILD` (blocks in swanctl until established or failed). */
  initiate(child: string, opts?: { ike?: string; timeoutS?: number }): Promise<ExecResult & { ok: boolean }>;
  /** `swanctl --terminate --ike NAME`. */
  terminate(ike: string): ExecResult;
  listSas(): IkeSa[];
  /** Poll listSas until PROBE returns something (every 50 ms), or throw after timeoutMs with the SAs and log tail. */
  waitFor<T>(what: string, probe: (sas: IkeSa[]) => T | undefined, timeoutMs?: number): Promise<T>;
  /** Wait for an INSTALLED CHILD SA named NAME. */
  waitForChild(name: string, timeoutMs?: number): Promise<{ ike: IkeSa; child: ChildSa }>;
  /** `swanctl --rekey --child NAME`, then wait for an INSTALLED child with new SPIs. */
  rekeyChild(name: string, timeoutMs?: number): Promise<{ before: ChildSa; after: ChildSa }>;
  /** charon's file log (ike=4 chd=4 knl=2: SPIs, keys, reasons for failures). */
  log(): string;
  /** SIGTERM, wait for the exit (SIGKILL after WAIT.stopMs). */
  stop(): Promise<void>;
}

function exited(c: ChildProcess): boolean {
  return c.exitCode !== null || c.signalCode !== null;
}

function swanctlSync(uri: string, args: readonly string[], timeoutMs = 15_000): ExecResult {
  const r = spawnSync(SWANCTL, [...args, '--uri', uri], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function swanctlAsync(uri: string, args: readonly string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    const p = spawn(SWANCTL, [...args, '--uri', uri], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => (stderr += e.message));
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** swanctl's stderr without its noise about credential folders we do not use. */
const quiet = (s: string): string =>
  s
    .split('\n')
    .filter((l) => l !== '' && !/^opening directory '.*' failed/.test(l))
    .join('\n');

let charonCount = 0;

/**
 * Start charon in the lab's peer namespace (or `side`), load CONFIG's connections, and return a
 * handle. A connection with role initiator starts its children as soon as it is loaded.
 */
export async function startCharon(lab: StrongswanLab, config: CharonConfig): Promise<Charon> {
  const side = config.side ?? 'peer';
  const stops = labs.get(lab);
  if (!stops) throw new Error('startCharon: this lab is stopped');
  const d = join(lab.dir, `charon-${side}-${++charonCount}`);
  mkdirSync(d);
  const localAddress = side === 'peer' ? LAB.peer : LAB.srx5k;
  const confPath = join(d, 'strongswan.conf');
  const swanctlPath = join(d, 'swanctl.conf');
  const logPath = join(d, 'charon.log');
  const uri = `unix://${join(d, 'charon.vici')}`;
  writeFileSync(confPath, strongswanConf(d, config));
  writeFileSync(swanctlPath, swanctlConf(config.connections, localAddress));

  const out = openSync(join(d, 'charon.out'), 'w');
  const t0 = Date.now();
  const child = lab.ns[side].start(
    ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs srx5k-charon-run /run && exec "$0"', CHARON],
    { env: { ...process.env, STRONGSWAN_CONF: confPath }, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const charonOut = (): string => (existsSync(join(d, 'charon.out')) ? readFileSync(join(d, 'charon.out'), 'utf8') : '');

  const stop = async (): Promise<void> => {
    if (exited(child)) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), WAIT.stopMs).unref());
    if ((await Promise.race([gone.then(() => 'ok' as const), timer])) === 'late') {
      child.kill('SIGKILL');
      await gone;
    }
  };
  stops.push(stop);

  // Ready when vici answers.
  for (;;) {
    if (exited(child)) throw new Error(`charon exited at start (status ${child.exitCode ?? child.signalCode}):\n${charonOut()}\n${log()}`);
    if (existsSync(join(d, 'charon.vici')) && swanctlSync(uri, ['--stats'], 2_000).status === 0) break;
    if (Date.now() - t0 > WAIT.charonReadyMs) {
      await stop();
      throw new Error(`charon's vici socket did not answer within ${WAIT.charonReadyMs} ms:\n${charonOut()}\n${log()}`);
    }
    await sleep(20);
  }
  const readyMs = Date.now() - t0;

  const load = swanctlSync(uri, ['--load-all', '--noprompt', '--file', swanctlPath]);
  if (load.status !== 0 || !/successfully loaded \d+ connections/.test(load.stdout)) {
    await stop();
    throw new Error(`swanctl --load-all failed (status ${load.status}):\n${load.stdout}\n${quiet(load.stderr)}\n${log()}`);
  }

  const listSas = (): IkeSa[] => {
    const r = swanctlSync(uri, ['--list-sas', '--pretty'], 5_000);
    if (r.status !== 0) throw new Error(`swanctl --list-sas failed: ${quiet(r.stderr)}`);
    return parseListSas(r.stdout);
  };

  const waitFor = async <T>(what: string, probe: (sas: IkeSa[]) => T | undefined, timeoutMs: number = WAIT.establishMs): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let sas: IkeSa[] = [];
    for (;;) {
      sas = listSas();
      const v = probe(sas);
      if (v !== undefined) return v;
      if (exited(child)) throw new Error(`charon exited while waiting for ${what}:\n${log().slice(-4000)}`);
      if (Date.now() > deadline) break;
      await sleep(50);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; SAs: ${JSON.stringify(sas)}\ncharon log (tail):\n${log().slice(-4000)}`);
  };

  return {
    side,
    pid: child.pid ?? -1,
    uri,
    dir: d,
    readyMs,
    swanctl: (args, timeoutMs) => swanctlSync(uri, args, timeoutMs),
    async initiate(name, opts = {}) {
      const timeoutS = opts.timeoutS ?? Math.ceil(WAIT.establishMs / 1000);
      const args = ['--initiate', '--child', name, ...(opts.ike ? ['--ike', opts.ike] : []), '--timeout', String(timeoutS)];
      const r = await swanctlAsync(uri, args, timeoutS * 1000 + 2_000);
      return { ...r, stderr: quiet(r.stderr), ok: r.status === 0 };
    },
    terminate: (ike) => swanctlSync(uri, ['--terminate', '--ike', ike, '--timeout', '5']),
    listSas,
    waitFor,
    waitForChild: (name, timeoutMs) => waitFor(`CHILD_SA ${name} INSTALLED`, (sas) => installedChild(sas, name), timeoutMs),
    async rekeyChild(name, timeoutMs: number = WAIT.rekeyMs) {
      const before = installedChild(listSas(), name);
      if (!before) throw new Error(`no INSTALLED CHILD_SA ${name} to rekey`);
      const r = await swanctlAsync(uri, ['--rekey', '--child', name], timeoutMs);
      if (r.status !== 0) throw new Error(`swanctl --rekey --child ${name} failed: ${r.stdout}${quiet(r.stderr)}`);
      const after = await waitFor(
        `CHILD_SA ${name} rekeyed (new SPIs)`,
        (sas) => {
          const now = installedChild(sas, name);
          return now && now.child.spiIn !== before.child.spiIn && now.child.spiOut !== before.child.spiOut ? now : undefined;
        },
        timeoutMs,
      );
      return { before: before.child, after: after.child };
    },
    log,
    stop,
  };
}

/** Stop every lab still open (for afterEach/afterAll: a test that timed out never reached its `finally`). */
export async function stopAllLabs(): Promise<void> {
  await Promise.all([...labs.keys()].map((l) => l.stop()));
}
