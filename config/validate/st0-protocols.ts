/**
 * Routing protocols on st0 for the SRX5000 line (seed Tables 8–13; the SPC2, SPC3 and mixed
 * rows are identical):
 *   OSPF   P2P IPv4 yes, IPv6 no;  P2MP IPv4 yes, IPv6 no   (Table 8)
 *   OSPFv3 P2P IPv4 no,  IPv6 yes; P2MP IPv4 no,  IPv6 yes  (Table 9)
 *   BGP    all yes                                           (Table 10)
 *   PIM    P2P IPv4 yes, everything else no                  (Table 11)
 *   RIP    P2P IPv4 and IPv6 yes, P2MP no                    (Table 12)
 *   BFD    all yes                                           (Table 13)
 * An st0 unit is point-to-multipoint when it has `multipoint`.
 */
import type { Rule, RuleError, View } from './view.js';

function st0Unit(root: View, ifl: string): View | undefined {
  const m = /^st0\.(\d+)$/.exec(ifl);
  if (!m) return undefined;
  return root.c('interfaces')?.entry('interface', 'st0')?.entry('unit', m[1]!);
}

export const st0ProtocolsRule: Rule = (root) => {
  const errors: RuleError[] = [];
  const protocols = root.c('protocols');
  if (!protocols) return errors;
  const refuse = (level: string[], ifl: string, message: string): void => {
    errors.push({ level, statement: `interface ${ifl}`, message });
  };

  for (const area of protocols.c('ospf')?.list('area') ?? []) {
    for (const i of area.view.list('interface')) {
      const unit = st0Unit(root, i.keys[0]!);
      if (unit && !unit.c('family', 'inet')) {
        refuse(['protocols', 'ospf', 'area', area.keys[0]!], i.keys[0]!, `OSPF on ${i.keys[0]} needs family inet: OSPF over IPv6 on st0 is not supported (use OSPFv3)`);
      }
    }
  }
  for (const realm of protocols.c('ospf3')?.list('realm') ?? []) {
    if (realm.keys[0] !== 'ipv4-unicast') continue;
    for (const area of realm.view.list('area')) {
      for (const i of area.view.list('interface')) {
        if (st0Unit(root, i.keys[0]!)) {
          refuse(['protocols', 'ospf3', 'realm', 'ipv4-unicast', 'area', area.keys[0]!], i.keys[0]!, `OSPFv3 for IPv4 is not supported on st0 (${i.keys[0]})`);
        }
      }
    }
  }
  for (const i of protocols.c('pim')?.list('interface') ?? []) {
    const unit = st0Unit(root, i.keys[0]!);
    if (!unit) continue;
    if (unit.has('multipoint')) refuse(['protocols', 'pim'], i.keys[0]!, `PIM is not supported on point-to-multipoint st0 (${i.keys[0]})`);
    else if (i.view.c('family', 'inet6')) refuse(['protocols', 'pim'], i.keys[0]!, `PIM for IPv6 is not supported on st0 (${i.keys[0]})`);
  }
  for (const proto of ['rip', 'ripng']) {
    for (const g of protocols.c(proto)?.list('group') ?? []) {
      for (const n of g.view.list('neighbor')) {
        const unit = st0Unit(root, n.keys[0]!);
        if (unit?.has('multipoint')) {
          errors.push({
            level: ['protocols', proto, 'group', g.keys[0]!],
            statement: `neighbor ${n.keys[0]}`,
            message: `${proto === 'rip' ? 'RIP' : 'RIPng'} is not supported on point-to-multipoint st0 (${n.keys[0]})`,
          });
        }
      }
    }
  }
  return errors;
};
