import { describe, expect, it } from 'vitest';
import { leavesWithoutKeyword, listsOmittingName, schemaRoot, schemaSource, writtenWithoutKeyword } from '../../../config/schema/schema.js';
import { helpPaths } from '../../../config/schema/help-texts.js';
import type { ContainerSchema, LeafListSchema, LeafSchema, ListSchema, SchemaNode } from '../../../config/schema/types.js';

/** Follows YANG node names (list keys included) from the root. */
function at(path: string): SchemaNode {
  let n: SchemaNode = schemaRoot();
  for (const seg of path.split(' ')) {
    if (n.kind !== 'container' && n.kind !== 'list') throw new Error(`${n.path} has no children (looking for ${seg})`);
    const c: SchemaNode | undefined = n.kind === 'list' ? (n.keys.find((k) => k.name === seg) ?? n.child(seg)) : n.child(seg);
    if (!c) throw new Error(`no '${seg}' under '${n.path}'`);
    n = c;
  }
  return n;
}
const container = (p: string): ContainerSchema => {
  const n = at(p);
  if (n.kind !== 'container') throw new Error(`${p} is a ${n.kind}`);
  return n;
};
const list = (p: string): ListSchema => {
  const n = at(p);
  if (n.kind !== 'list') throw new Error(`${p} is a ${n.kind}`);
  return n;
};
const leaf = (p: string): LeafSchema => {
  const n = at(p);
  if (n.kind !== 'leaf') throw new Error(`${p} is a ${n.kind}`);
  return n;
};
const leafList = (p: string): LeafListSchema => {
  const n = at(p);
  if (n.kind !== 'leaf-list') throw new Error(`${p} is a ${n.kind}`);
  return n;
};

describe('configuration schema (generated from the Junos YANG models)', () => {
  it('records where it came from', () => {
    const s = schemaSource();
    expect(s.junosVersion).toBe('24.4R1.11');
    expect(s.revision).toBe('2024-01-01');
    expect(s.modules).toContain('junos-es-conf-security@2024-01-01');
  });

  it('is loaded once and has the Junos top-level hierarchies, in Junos order', () => {
    expect(schemaRoot()).toBe(schemaRoot());
    const names = schemaRoot().children().map((c) => c.name);
    for (const n of ['version', 'groups', 'apply-groups', 'system', 'chassis', 'security', 'interfaces', 'routing-options', 'protocols', 'policy-options', 'firewall', 'routing-instances', 'applications']) {
      expect(names).toContain(n);
    }
    expect(names.indexOf('system')).toBeLessThan(names.indexOf('security'));
    expect(names.indexOf('security')).toBeLessThan(names.indexOf('interfaces'));
    expect(schemaRoot().path).toBe('');
  });

  it('security ike gateway: a list keyed by name, children in YANG order', () => {
    const gw = list('security ike gateway');
    expect(gw.path).toBe('security ike gateway');
    expect(gw.keys.map((k) => k.name)).toEqual(['name']);
    expect(gw.keyKeywords).toEqual([]);
    expect(gw.omitName).toBe(false);
    const names = gw.children().map((c) => c.name);
    expect(names).not.toContain('name');
    const order = ['ike-policy', 'address', 'dead-peer-detection', 'external-interface', 'version'].map((n) => names.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(gw.child('dead-peer-detection')).toMatchObject({ kind: 'container', presence: true, path: 'security ike gateway dead-peer-detection' });
    expect(leaf('security ike gateway external-interface').type).toEqual({ base: 'interface-name' });
    expect(gw.help).not.toBe('');
  });

  it('security ike gateway X version: enumeration v1-only / v2-only, with help', () => {
    const t = leaf('security ike gateway version').type;
    expect(t.base).toBe('enumeration');
    if (t.base !== 'enumeration') return;
    expect(t.values.map((v) => v.name)).toEqual(['v1-only', 'v2-only']);
    expect(t.values.every((v) => v.help !== '')).toBe(true);
  });

  it('security ike proposal dh-group values carry our help', () => {
    const t = leaf('security ike proposal dh-group').type;
    if (t.base !== 'enumeration') throw new Error(t.base);
    expect(t.values.find((v) => v.name === 'group14')?.help).toBe('2048-bit MODP group');
  });

  it('security ipsec vpn ike: anti-replay-window-size 64..8192, no-anti-replay empty', () => {
    expect(leaf('security ipsec vpn ike anti-replay-window-size').type).toEqual({ base: 'integer', ranges: [{ min: '64', max: '8192' }] });
    expect(leaf('security ipsec vpn ike no-anti-replay').type).toEqual({ base: 'empty' });
  });

  it('security ipsec vpn manual spi is 256..16639; bind-interface exists', () => {
    expect(leaf('security ipsec vpn manual spi').type).toEqual({ base: 'integer', ranges: [{ min: '256', max: '16639' }] });
    expect(leaf('security ipsec vpn bind-interface').type).toEqual({ base: 'interface-name' });
  });

  it('chassis cluster redundancy-group N node M priority is 1..254', () => {
    expect(list('chassis cluster redundancy-group').keys[0]!.type).toEqual({ base: 'integer', ranges: [{ min: '0', max: '255' }] });
    expect(list('chassis cluster redundancy-group node').keys.map((k) => k.name)).toEqual(['name']);
    expect(leaf('chassis cluster redundancy-group node priority').type).toEqual({ base: 'integer', ranges: [{ min: '1', max: '254' }] });
  });

  it('chassis cluster control-ports: two keys, each introduced by its name', () => {
    const cp = list('chassis cluster control-ports');
    expect(cp.keys.map((k) => k.name)).toEqual(['fpc', 'port']);
    expect(cp.keyKeywords).toEqual(['fpc', 'port']);
    expect(cp.omitName).toBe(false);
  });

  it('security policies from-zone A to-zone B: nameless two-key list', () => {
    const p = list('security policies policy');
    expect(p.omitName).toBe(true);
    expect(p.keyKeywords).toEqual(['from-zone', 'to-zone']);
    expect(p.keys.map((k) => k.name)).toEqual(['from-zone-name', 'to-zone-name']);
    expect(p.orderedByUser).toBe(true);
    const inner = list('security policies policy policy');
    expect(inner.omitName).toBe(false);
    expect(inner.path).toBe('security policies policy policy');
    expect(leafList('security policies policy policy match source-address').type.base).toBe('string');
    expect(container('security policies policy policy then permit').presence).toBe(true);
  });

  it('interfaces ge-0/0/0 unit 0: the interface list name is omitted, unit is written', () => {
    const ifl = list('interfaces interface');
    expect(ifl.omitName).toBe(true);
    expect(ifl.keyKeywords).toEqual([]);
    expect(list('interfaces interface unit').omitName).toBe(false);
    expect(list('interfaces interface unit family inet address').keys[0]!.type).toEqual({ base: 'ipv4-prefix' });
    expect(list('interfaces interface unit family inet6 address').keys[0]!.type).toEqual({ base: 'ipv6-prefix' });
    expect(list('interfaces interface-set').omitName).toBe(false);
  });

  it('reports the lists written without their name', () => {
    const lists = listsOmittingName();
    for (const p of ['interfaces interface', 'routing-instances instance', 'security policies policy', 'policy-options prefix-list prefix-list-item']) expect(lists).toContain(p);
    expect(lists.some((p) => p.endsWith('syslog file contents'))).toBe(true);
    expect(lists.some((p) => p.endsWith('apply-macro data'))).toBe(true);
  });

  it('reports the leaves written without their name', () => {
    expect(writtenWithoutKeyword(at('security address-book address ip-prefix'))).toBe(true);
    expect(writtenWithoutKeyword(at('security address-book address description'))).toBe(false);
    expect(writtenWithoutKeyword(at('security policies default-policy default-action'))).toBe(true);
    expect(leavesWithoutKeyword()).toContain('security address-book address ip-prefix');
  });

  it('renames YANG element names that differ from the CLI keyword (NAT match)', () => {
    expect(container('security nat source rule-set rule match').path).toBe('security nat source rule-set rule match');
    expect(container('security nat destination rule-set rule match')).toBeDefined();
    expect(container('security nat static rule-set rule match')).toBeDefined();
  });

  it('routing-options static route: prefix key, next-hop leaf-list (address or interface)', () => {
    const r = list('routing-options static route');
    expect(r.keys[0]!.type).toEqual({ base: 'ip-prefix' });
    const nh = leafList('routing-options static route next-hop');
    expect(nh.orderedByUser).toBe(true);
    expect(nh.type).toEqual({ base: 'union', members: [{ base: 'ip-address' }, { base: 'interface-name' }] });
  });

  it('flattens choice/case: dead-peer-detection modes are plain leaves', () => {
    const names = container('security ike gateway dead-peer-detection').children().map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['optimized', 'probe-idle-tunnel', 'always-send', 'interval', 'threshold']));
  });

  it('keeps defaults and leaf-list ordering', () => {
    expect(leaf('security policies default-policy default-action').default).toBe('deny-all');
    expect(leafList('security ike policy proposals').orderedByUser).toBe(true);
  });

  it('supports configuration groups with the same hierarchies', () => {
    const g = list('groups');
    expect(g.keys[0]!.name).toBe('name');
    expect(g.orderedByUser).toBe(true);
    expect(list('groups security ike gateway').path).toBe('groups security ike gateway');
    expect(list('groups security ike gateway').help).toBe(list('security ike gateway').help);
    expect(g.child('groups')).toBeUndefined();
  });

  it('routing-instances reuse the protocol help texts', () => {
    expect(list('routing-instances instance').omitName).toBe(true);
    expect(at('routing-instances instance protocols ospf').help).toBe(at('protocols ospf').help);
  });

  it('child() and children() agree; list keys are not children', () => {
    const vpn = list('security ipsec vpn');
    for (const c of vpn.children()) expect(vpn.child(c.name)).toBe(c);
    expect(vpn.child('name')).toBeUndefined();
    expect(vpn.children()).toBe(vpn.children());
  });

  it('every help-table path exists in the schema', () => {
    const missing = helpPaths().filter((p) => {
      try {
        at(p);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it('every node under security ike and security ipsec has help', () => {
    const noHelp: string[] = [];
    const skip = new Set(['apply-groups', 'apply-groups-except', 'apply-macro']);
    const walk = (n: ContainerSchema | ListSchema): void => {
      const kids: SchemaNode[] = n.kind === 'list' ? [...n.keys, ...n.children()] : [...n.children()];
      for (const c of kids) {
        if (skip.has(c.name)) continue;
        if (c.help === '') noHelp.push(c.path);
        if (c.kind === 'container' || c.kind === 'list') walk(c);
      }
    };
    walk(container('security ike'));
    walk(container('security ipsec'));
    expect(noHelp).toEqual([]);
  });

  it('nodes outside the help table have empty help', () => {
    expect(at('system arp').help).toBe('');
  });
});
