/**
 * `show security ipsec tunnel-distribution [summary]`: where each IPsec tunnel is anchored (SPU and
 * flow RT thread), the command the seed names for chassis with an SPC3, with the layouts of
 * reference/srx5000-facts.md §3 (reconstructed there: the columns follow the RPC fields). The
 * header prints even with no tunnel; the summary lists only threads that anchor a tunnel.
 */
import type { TunnelDistributionRow, TunnelDistributionSummaryRow } from '../../../ike/status.js';
import { cell } from './show-ike.js';

export function renderTunnelDistribution(rows: readonly TunnelDistributionRow[]): string[] {
  const lines = ['  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile'];
  for (const r of rows) lines.push(`  ${cell(r.tunnelId, 12)}${cell(r.fpc, 5)}${cell(r.pic, 5)}${cell(r.thread, 11)}${r.profile ?? '-'}`);
  return lines;
}

export function renderTunnelDistributionSummary(rows: readonly TunnelDistributionSummaryRow[]): string[] {
  const lines = ['  Number of Tunnels  FPC  PIC  Thread-ID'];
  for (const r of rows) lines.push(`  ${cell(r.tunnels, 19)}${cell(r.fpc, 5)}${cell(r.pic, 5)}${r.thread}`);
  return lines;
}

/** Rows of one SPU or card (`fpc F [pic P]`). */
export function selectByLocation<T extends { readonly fpc: number; readonly pic: number }>(rows: readonly T[], fpc?: number, pic?: number): T[] {
  return rows.filter((r) => (fpc === undefined || r.fpc === fpc) && (pic === undefined || r.pic === pic));
}
