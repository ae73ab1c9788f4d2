/** Commit check: every rule over the whole candidate. */
import type { DataContainer } from '../data.js';
import { antiReplayRule } from './anti-replay.js';
import { ikeGatewayVersionRule } from './ike-gateway-version.js';
import { ikedFeaturesRule } from './iked-features.js';
import { manualSaRule } from './manual-sa.js';
import { policyBasedRule } from './policy-based.js';
import { referencesRule } from './references.js';
import { routeBasedRule } from './route-based.js';
import { st0ProtocolsRule } from './st0-protocols.js';
import { View, type Rule, type RuleError, type ValidationContext } from './view.js';
import { vpnShapeRule } from './vpn-shape.js';

export type { ValidationContext } from './view.js';

const RULES: readonly Rule[] = [referencesRule, vpnShapeRule, manualSaRule, antiReplayRule, routeBasedRule, policyBasedRule, ikedFeaturesRule, st0ProtocolsRule, ikeGatewayVersionRule];

export function validateConfig(tree: DataContainer, ctx: ValidationContext): RuleError[] {
  const root = new View(tree);
  return RULES.flatMap((r) => r(root, ctx));
}

/** Junos's commit error text for a list of problems. */
export function formatCommitErrors(errors: readonly RuleError[]): string[] {
  const lines: string[] = [];
  for (const e of errors) {
    lines.push(e.level.length > 0 ? `[edit ${e.level.join(' ')}]` : '[edit]', `    '${e.statement}'`, `        ${e.message}`);
  }
  lines.push('error: configuration check-out failed');
  return lines;
}
