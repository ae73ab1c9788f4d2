/**
 * Every `set` line of the Junos configurations in ../shared/junos-configs (Batfish's parser test
 * inputs) must resolve through the schema, except the few listed in EXPECTED_FAILURES.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, schemaRoot } from '../../../config/schema/schema.js';
import { splitWords, walkStatement } from '../tools/set-walker.js';

const CONFIG_DIR = join(projectRoot(), '..', 'shared', 'junos-configs');

/** Lines that do not resolve, with the reason (deliberately odd inputs). Keyed by `file: line`. */
const NOT_IN_24_4 = 'not in the Junos 24.4 YANG models (older syntax or Batfish-only input)';
const OUT_OF_RANGE = 'value outside the range the 24.4 YANG allows (Batfish test input)';
const EXPECTED_FAILURES: Record<string, string> = {
  'ipsec-proposal: set security ipsec proposal prop1 protocol bundle': "'bundle' is not an IPsec protocol in 24.4 (only ah, esp)",
  'ipsec-vpn: set security ike policy ike-phase1-policy pre-shared-key <SCRUBBED>': 'scrubbed input: the ascii-text/hexadecimal keyword was removed with the secret',
  'juniper-nat-pat: set security nat source pool POOL3 port range 1000 to 2000': 'port range low bound must be 1024..65535',
  'juniper_security: set security policies from-zone A to-zone B policy 123-4 then trace': NOT_IN_24_4,
  'junos-srx-1.cfg: set system services web-management http interface fxp0.0': 'web-management http (plain HTTP J-Web) is gone from 24.4; only https remains',
  'junos-srx-2.cfg: set system services web-management http interface fxp0.0': 'web-management http (plain HTTP J-Web) is gone from 24.4; only https remains',
  'junos-srx-3.cfg: set system services web-management http interface fxp0.0': 'web-management http (plain HTTP J-Web) is gone from 24.4; only https remains',
  'nat-dest: set security nat destination rule-set RULE-SET-RI rule RULE1 match source-port 5': 'destination NAT rules have no source-port match in 24.4',
  'nat-dest: set security nat destination rule-set RULE-SET-ZONE rule RULE1 match source-port 80': 'destination NAT rules have no source-port match in 24.4',
  'nat-dest: set security nat destination rule-set RULE-SET-IFACE rule RULE1 match source-port 6': 'destination NAT rules have no source-port match in 24.4',
  'screen-options: set security screen ids-option IDS_OPTION_NAME icmp ip-sweep threshold 1': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME tcp port-scan threshold 1': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME tcp tcp-sweep threshold 1': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME udp port-scan threshold 1': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME udp udp-sweep threshold 1': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME ip ipv6-extension-header destination-header user-defined-option-type 0 to 10': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME ip ipv6-extension-header hop-by-hop-header user-defined-option-type 0 to 10': OUT_OF_RANGE,
  'screen-options: set security screen ids-option IDS_OPTION_NAME ip ipv6-extension-header hop-by-hop-header SFM-DPD-option': 'no such option (keywords are lower case; not in 24.4)',
  'screen-options: set security screen ids-option IDS_OPTION_NAME ip ipv6-extension-header user-defined-option-type 0 to 10': 'user-defined-option-type exists only under destination-header / hop-by-hop-header',
};

describe.runIf(existsSync(CONFIG_DIR))('junos-configs set lines resolve through the schema', () => {
  it('walks every set line', () => {
    const root = schemaRoot();
    const failures: string[] = [];
    let total = 0;
    for (const f of readdirSync(CONFIG_DIR).sort()) {
      if (f.startsWith('LICENSE') || f.endsWith('.md')) continue;
      const lines = readFileSync(join(CONFIG_DIR, f), 'utf8').split(/\r?\n/);
      for (const raw of lines) {
        const line = raw.trim();
        if (!line.startsWith('set ')) continue;
        total++;
        const words = splitWords(line).slice(1);
        const r = walkStatement(root, words);
        const key = `${f}: ${line}`;
        if (!r.ok && !(key in EXPECTED_FAILURES)) failures.push(`${key}\n    → at word ${r.at + 1} ('${words[r.at] ?? ''}'): ${r.reason}`);
      }
    }
    if (failures.length) console.log(`${failures.length}/${total} set lines do not resolve:\n` + failures.join('\n'));
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(700);
  });

  it('the expected failures still fail (the list is not stale)', () => {
    const root = schemaRoot();
    for (const key of Object.keys(EXPECTED_FAILURES)) {
      const line = key.slice(key.indexOf(': ') + 2);
      expect(walkStatement(root, splitWords(line).slice(1)).ok, key).toBe(false);
    }
  });
});
