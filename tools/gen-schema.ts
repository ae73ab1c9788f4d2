/**
 * Generates config/schema/junos-schema.json from Juniper's published Junos YANG models.
 *
 *   npx tsc -p tsconfig.json && node dist/tools/gen-schema.js [yangDir] [outFile]
 *
 * Defaults: ../shared/reference/junos-yang and config/schema/junos-schema.json, relative to the
 * project root (arguments given are relative to the current directory). The output is
 * committed: nothing at run time needs the YANG files.
 *
 * The YANG models say nothing about a few facts of the Junos CLI syntax; the tables below add
 * them: LIST_RULES (lists written without their name, key keywords), LEAF_RULES and
 * LEAF_RULE_EXCEPTIONS (values written without the leaf name), RENAMES (YANG names that are
 * not the CLI keyword) and TOP_LEVEL_ORDER. The generator warns about a rule that matches
 * nothing, so the tables cannot silently rot when the models change.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FORMAT, type SchemaFile } from '../config/schema/format.js';
import { emitSchema } from './yang/emit.js';
import { loadYangDir } from './yang/load.js';
import { flatten, ownPath, type ContainerNode, type DataNode, type Item } from './yang/model.js';
import type { NodeContext } from './yang/resolver.js';

/**
 * Lists whose entries Junos writes without the list's own name, or whose keys are introduced by
 * words other than the key leaf names. A rule matches a list by its name and by `parent`: the
 * name of the statement it is written in (container, list, or grouping when the list sits at a
 * grouping's top level — the same grouping name recurs in every module, e.g. apply-macro-type).
 *
 * keyKeywords: one word per key; '' means the key value is written alone, without a keyword.
 */
interface ListRule {
  readonly parent: string;
  readonly list: string;
  readonly omitName: boolean;
  readonly keyKeywords?: readonly string[];
  /** How it looks on the CLI. */
  readonly example: string;
}

export const LIST_RULES: readonly ListRule[] = [
  { parent: 'interfaces', list: 'interface', omitName: true, example: 'interfaces ge-0/0/0 unit 0' },
  { parent: 'routing-instances', list: 'instance', omitName: true, example: 'routing-instances VR1 instance-type virtual-router' },
  { parent: 'policy-object-type', list: 'policy', omitName: true, keyKeywords: ['from-zone', 'to-zone'], example: 'security policies from-zone trust to-zone untrust policy P' },
  // list `from-zone` keyed by (from-zone-name, to-zone): same words as above.
  { parent: 'security-ipsec-policies', list: 'from-zone', omitName: true, keyKeywords: ['from-zone', 'to-zone'], example: 'security ipsec-policy from-zone trust to-zone untrust ipsec-group-vpn V' },
  { parent: 'apply-macro-type', list: 'data', omitName: true, example: 'apply-macro M key value' },
  { parent: 'file', list: 'contents', omitName: true, example: 'system syslog file messages any notice' },
  { parent: 'host', list: 'contents', omitName: true, example: 'system syslog host 192.0.2.1 any any' },
  { parent: 'user', list: 'contents', omitName: true, example: 'system syslog user * any emergency' },
  { parent: 'grpc-replay', list: 'contents', omitName: true, example: 'system syslog grpc-replay any any' },
  { parent: 'prefix-list', list: 'prefix-list-item', omitName: true, example: 'policy-options prefix-list PL 10.0.0.0/8' },
  { parent: 'mac-list', list: 'mac-addr-list-item', omitName: true, example: 'policy-options mac-list ML 00:11:22:33:44:55' },
  { parent: 'bridge-domains', list: 'domain', omitName: true, example: 'bridge-domains BD vlan-id 10' },
  { parent: 'dynamic-tunnels', list: 'dynamic-tunnel', omitName: true, example: 'routing-options dynamic-tunnels T source-address 192.0.2.1' },
  { parent: 'track', list: 'route', omitName: false, keyKeywords: ['', 'routing-instance'], example: 'track route 10.0.0.0/8 routing-instance default' },
];

/**
 * Besides the rules above, lists and key leaves whose YANG name contains '_' (rf_list,
 * route_address, list_name...) are internal names Junos never shows: such a list is written
 * without its name and such a key without a keyword.
 */
const isInternalName = (name: string): boolean => name.includes('_');

/**
 * Leaves whose value Junos writes without the leaf's name (the "nokeyword" leaves of the Junos
 * configuration syntax, not recorded in the published YANG).
 */
interface LeafRule {
  /** As in ListRule; '*' matches any parent. */
  readonly parent: string;
  /** '*' matches any leaf of the parent. */
  readonly leaf: string;
  readonly example: string;
}

export const LEAF_RULES: readonly LeafRule[] = [
  // `to` containers hold the upper bound of a range: `address 10.0.0.1 to 10.0.0.9`, `port 80 to 90`.
  { parent: 'to', leaf: '*', example: 'security nat source pool P address 192.0.2.1/32 to 192.0.2.9/32' },
  { parent: 'address_type', leaf: 'ip-prefix', example: 'security address-book global address A 10.0.0.0/8' },
  { parent: 'macro-data-type', leaf: 'value', example: 'apply-macro M key value' },
  { parent: 'default-policy', leaf: 'default-action', example: 'security policies default-policy permit-all' },
  { parent: 'range', leaf: 'low', example: 'security nat source pool P port range 2000 to 3000' },
  { parent: 'pool-default-port-range', leaf: 'low', example: 'security nat source pool-default-port-range 4000 to 5000' },
  { parent: 'static-nat-rule-mapped-port-object', leaf: 'low', example: 'then static-nat prefix 10.0.0.0/24 mapped-port 80' },
  { parent: 'pool', leaf: 'pool-name', example: 'then source-nat pool P' },
  { parent: 'overflow-pool', leaf: 'pool-name', example: 'security nat source pool P overflow-pool P2' },
  { parent: 'prefix', leaf: 'addr-prefix', example: 'then static-nat prefix 10.0.0.0/24' },
  { parent: 'prefix-name', leaf: 'addr-prefix-name', example: 'then static-nat prefix-name N' },
  { parent: 'nptv6-prefix', leaf: 'addr-prefix', example: 'then static-nat nptv6-prefix 2001:db8::/64' },
  { parent: 'nptv6-prefix-name', leaf: 'addr-prefix-name', example: 'then static-nat nptv6-prefix-name N' },
  { parent: 'destination-address', leaf: 'dst-addr', example: 'security nat destination rule-set RS rule R match destination-address 192.0.2.1/32' },
  { parent: 'destination-address-name', leaf: 'dst-addr-name', example: 'security nat destination rule-set RS rule R match destination-address-name A' },
  { parent: 'destination-port', leaf: 'low', example: 'security nat static rule-set RS rule R match destination-port 80 to 90' },
  { parent: 'address', leaf: 'ipaddr', example: 'security nat destination pool P address 10.0.0.1/32 port 80' },
  { parent: 'host-address-base', leaf: 'ipaddr', example: 'security nat source pool P host-address-base 10.0.0.1/32' },
  { parent: 'address-name', leaf: 'pool-address-name', example: 'security nat destination pool P address-name N' },
  { parent: 'routing-instance', leaf: 'ri-name', example: 'security nat source pool P routing-instance VR1' },
  { parent: 'input', leaf: 'filter-name', example: 'interfaces ge-0/0/0 unit 0 family inet filter input F' },
  { parent: 'output', leaf: 'filter-name', example: 'interfaces ge-0/0/0 unit 0 family inet filter output F' },
  { parent: 'redundant-parent', leaf: 'parent', example: 'interfaces ge-0/0/0 gigether-options redundant-parent reth0' },
  { parent: 'unnumbered-address', leaf: 'source', example: 'interfaces ge-0/0/0 unit 0 family inet unnumbered-address lo0.0' },
  { parent: 'autonomous-system', leaf: 'as-number', example: 'routing-options autonomous-system 65000' },
  { parent: 'local-as', leaf: 'as-number', example: 'protocols bgp local-as 65000' },
  { parent: 'file', leaf: 'filename', example: 'security ike traceoptions file ike.log size 1m' },
  { parent: 'maximum-prefixes', leaf: 'limit', example: 'routing-options maximum-prefixes 1000' },
  { parent: 'maximum-paths', leaf: 'limit', example: 'routing-options maximum-paths 1000' },
  { parent: '*', leaf: 'metric-value', example: 'routing-options static route 0.0.0.0/0 preference 5' },
  { parent: 'inet', leaf: 'identity-ipv4', example: 'security ike gateway G local-identity inet 192.0.2.1' },
  { parent: 'inet6', leaf: 'identity-ipv6', example: 'security ike gateway G local-identity inet6 2001:db8::1' },
  { parent: 'hostname', leaf: 'identity-hostname', example: 'security ike gateway G remote-identity hostname peer.example.net' },
  { parent: 'user-at-hostname', leaf: 'identity-user', example: 'security ike gateway G local-identity user-at-hostname a@example.net' },
  { parent: 'key-id', leaf: 'string-key-id', example: 'security ike gateway G local-identity key-id K1' },
  { parent: 'ppk-profile', leaf: 'profile-name', example: 'security ike gateway G ppk-profile P' },
];

/**
 * Exceptions to LEAF_RULES at one place of the tree (YANG path from the root; applied at the top
 * level and under `groups`).
 */
export const LEAF_RULE_EXCEPTIONS: readonly string[] = [
  // A `file` container like traceoptions file, but Junos writes a keyword for the file name here.
  'security log file filename',
];

/**
 * Nodes whose YANG name (the Junos XML element name) differs from the CLI keyword. Matched by
 * YANG name anywhere.
 */
export const RENAMES: Readonly<Record<string, string>> = {
  'src-nat-rule-match': 'match',
  'dest-nat-rule-match': 'match',
  'static-nat-rule-match': 'match',
};

/**
 * The order Junos shows the top-level hierarchies in. The YANG modules add them by augment, in
 * file order, which means nothing; names not listed keep their order after the listed ones.
 */
export const TOP_LEVEL_ORDER: readonly string[] = [
  'rcsid',
  'version',
  'groups',
  'apply-groups',
  'apply-macro',
  'system',
  'chassis',
  'security',
  'interfaces',
  'routing-options',
  'protocols',
  'policy-options',
  'firewall',
  'routing-instances',
  'applications',
];

function applyRules(node: DataNode, ctx: NodeContext, used: Set<object>): void {
  const rename = RENAMES[node.name];
  if (rename !== undefined) {
    used.add(RENAMES);
    node.name = rename;
  }
  if (node.kind === 'list') {
    const rule = LIST_RULES.find((r) => r.list === node.name && r.parent === ctx.parent);
    if (rule) {
      used.add(rule);
      node.omitName = rule.omitName;
      if (rule.keyKeywords) {
        if (rule.keyKeywords.length !== node.keys.length) throw new Error(`rule for ${ctx.parent} ${node.name}: ${node.keys.length} keys`);
        node.keyKeywords = [...rule.keyKeywords];
      }
      return;
    }
    if (isInternalName(node.name)) node.omitName = true;
    // route-filter 10.0.0.0/8 orlonger, route-filter 10.0.0.0/8 upto /24: all keys positional.
    if (node.keys.includes('choice-ident')) {
      node.keyKeywords = node.keys.map(() => '');
      return;
    }
    if (node.keys.length > 1 && node.keys.some(isInternalName)) node.keyKeywords = node.keys.map((k) => (isInternalName(k) || node.omitName ? '' : k));
    else if (node.keys.length > 1 && node.omitName) node.keyKeywords = node.keys.map(() => '');
  } else if (node.kind === 'leaf') {
    const rule = LEAF_RULES.find((r) => (r.leaf === node.name || r.leaf === '*') && (r.parent === ctx.parent || r.parent === '*'));
    if (rule) {
      used.add(rule);
      node.noKeyword = true;
    }
  }
}

function orderTopLevel(items: readonly Item[], keepFirst: readonly string[]): Item[] {
  // A reference to a grouping holding one hierarchy (`uses security-group`) stays a reference so
  // the configuration root and `groups` keep sharing it; references holding several nodes are
  // spliced so the nodes can be ordered one by one.
  const units: { item: Item; name: string }[] = [];
  const addUnit = (it: Item): void => {
    if (it.kind !== 'ref') {
      units.push({ item: it, name: it.name });
      return;
    }
    const nodes = flatten(it.def.items);
    if (nodes.length === 1) units.push({ item: it, name: nodes[0]!.name });
    else for (const sub of it.def.items) addUnit(sub);
  };
  for (const it of items) addUnit(it);
  const rank = (name: string): number => {
    if (keepFirst.includes(name)) return -1;
    const i = TOP_LEVEL_ORDER.indexOf(name);
    return i < 0 ? TOP_LEVEL_ORDER.length : i;
  };
  return units
    .map((u, i) => ({ ...u, i }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.i - b.i)
    .map((u) => u.item);
}

export interface GenerateResult {
  /** The resolved tree the file was emitted from (tests compare the two). */
  readonly tree: ContainerNode;
  readonly file: SchemaFile;
  readonly json: string;
  readonly warnings: readonly string[];
  readonly stats: { readonly groupings: number; readonly distinct: number; readonly emittedDefs: number; readonly types: number };
}

export function generateSchema(yangDir: string): GenerateResult {
  const warnings: string[] = [];
  const used = new Set<object>();
  const { resolver, files } = loadYangDir(yangDir, {
    warn: (m) => warnings.push(m),
    onNode: (n, ctx) => applyRules(n, ctx, used),
  });
  const root = resolver.buildTree('junos-es-conf-root', 'configuration');
  root.items = orderTopLevel(root.items, []);
  for (const path of LEAF_RULE_EXCEPTIONS) {
    for (const prefix of ['', 'groups ']) {
      const leaf = ownPath(root.items, prefix + path);
      if (!leaf || leaf.kind !== 'leaf') throw new Error(`LEAF_RULE_EXCEPTIONS: no leaf ${prefix + path}`);
      leaf.noKeyword = false;
    }
  }
  const groups = root.items.find((i): i is DataNode => i.kind === 'list' && i.name === 'groups');
  if (groups && groups.kind === 'list') groups.items = orderTopLevel(groups.items, ['name', 'when']);
  for (const r of [...LIST_RULES, ...LEAF_RULES]) {
    if (!used.has(r)) warnings.push(`override rule never matched: ${JSON.stringify(r)}`);
  }

  const rootModule = resolver.modules.get('junos-es-conf-root')!;
  const release = /Junos:\s*(\S+)/.exec(rootModule.revisionDescription ?? '')?.[1] ?? 'unknown';
  const emitted = emitSchema(root.items);
  const file: SchemaFile = {
    format: SCHEMA_FORMAT,
    source: {
      models: 'Juniper Networks Junos YANG models (github.com/Juniper/yang, Apache-2.0), junos-es configuration modules',
      junosVersion: release,
      revision: rootModule.revision ?? 'unknown',
      modules: files.map((f) => f.replace(/\.yang$/, '')),
      generator: 'tools/gen-schema.ts',
    },
    types: emitted.types,
    defs: emitted.defs,
    root: emitted.root,
  };
  return {
    tree: root,
    file,
    json: JSON.stringify(file) + '\n',
    warnings,
    stats: { ...emitted.stats, types: emitted.types.length },
  };
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

function main(argv: readonly string[]): void {
  // Defaults are relative to the project root; paths given on the command line to the cwd.
  const base = projectRoot();
  const yangDir = argv[0] !== undefined ? resolve(argv[0]) : resolve(base, '../shared/reference/junos-yang');
  const outFile = argv[1] !== undefined ? resolve(argv[1]) : resolve(base, 'config/schema/junos-schema.json');
  const t0 = performance.now();
  const r = generateSchema(yangDir);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, r.json);
  const t1 = performance.now();
  JSON.parse(r.json);
  const t2 = performance.now();
  for (const w of r.warnings) console.warn(`warning: ${w}`);
  console.log(
    `${outFile}: ${r.json.length} bytes, Junos ${r.file.source.junosVersion} (revision ${r.file.source.revision}), ` +
      `${r.stats.groupings} groupings → ${r.stats.distinct} distinct → ${r.stats.emittedDefs} shared defs, ${r.stats.types} types; ` +
      `generated in ${Math.round(t1 - t0)} ms, JSON.parse ${Math.round(t2 - t1)} ms`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
