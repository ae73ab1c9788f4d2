/**
 * `show security ike security-associations [detail]`, `show security ipsec inactive-tunnels` and
 * `show security ike tunnel-map [summary]`, as pure functions of the daemon views (ike/status.ts),
 * with the column layouts of reference/srx5000-facts.md §3 and §6.
 *
 * Choices where the real output is not established (facts file "uncertain"):
 *  - no IKE SA: the brief and detail outputs are empty (no header), as the Junos SA lists print
 *    nothing when there is nothing to list;
 *  - the tunnel-map outputs always print their header, even with no gateway;
 *  - the phase 2 negotiation block of `detail` starts after a blank line, its first line at the
 *    margin like `IKE peer`, the rest indented two spaces (as a public capture suggests);
 *  - re-authentication, when configured, prints `Expires in N seconds` like the lifetime;
 *  - a cell wider than its column is followed by one space so the next column stays readable;
 *  - `show security ike tunnel-map` with an SPC3 installed is refused with
 *    `IKE_TUNNEL_MAP_SPC3_ERROR` (the seed: the command "is not valid in an environment where SPC2
 *    and SPC3 cards are installed"; it points to the command that is).
 */
import type { IkeSaView, InactiveTunnelsView, TunnelMapRow, TunnelMapSummaryRow } from '../../../ike/status.js';

/** Left-aligned cell of `width` columns; always at least one space after the text. */
export function cell(text: string | number, width: number): string {
  const s = String(text);
  return s.length < width ? s.padEnd(width) : `${s} `;
}

const hex16 = (spi: string): string => spi.toLowerCase().padStart(16, '0');

export interface IkeSaFilter {
  readonly index?: number;
  readonly peerAddress?: string;
  readonly fpc?: number;
  readonly pic?: number;
}

/** The SAs an `[peer-address] [index N] [fpc F pic P]` selection keeps, by index. */
export function selectIkeSas(sas: readonly IkeSaView[], filter: IkeSaFilter = {}): IkeSaView[] {
  return sas
    .filter(
      (sa) =>
        (filter.index === undefined || sa.index === filter.index) &&
        (filter.peerAddress === undefined || sa.remoteAddress === filter.peerAddress) &&
        (filter.fpc === undefined || sa.anchor.fpc === filter.fpc) &&
        (filter.pic === undefined || sa.anchor.pic === filter.pic),
    )
    .sort((a, b) => a.index - b.index);
}

/** `show security ike security-associations`. */
export function renderIkeSas(sas: readonly IkeSaView[]): string[] {
  if (sas.length === 0) return [];
  const lines = ['Index   State  Initiator cookie  Responder cookie  Mode           Remote Address'];
  for (const sa of sas) {
    lines.push(`${cell(sa.index, 8)}${cell(sa.state, 7)}${cell(hex16(sa.initiatorSpi), 18)}${cell(hex16(sa.responderSpi), 18)}${cell(sa.mode, 15)}${sa.remoteAddress}`);
  }
  return lines;
}

/** `   Input  bytes  :                 1712`: the counter right-aligned at column 39. */
function counter(label: string, value: number): string {
  const text = `   ${label}`;
  return `${text}${String(value).padStart(Math.max(1, 39 - text.length))}`;
}

const endpoint = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;

/** `show security ike security-associations detail`: one block per SA, a blank line between. */
export function renderIkeSasDetail(sas: readonly IkeSaView[]): string[] {
  const lines: string[] = [];
  for (const sa of sas) {
    if (lines.length > 0) lines.push('');
    lines.push(
      `IKE peer ${sa.remoteAddress}, Index ${sa.index}, Gateway Name: ${sa.gatewayName}`,
      `  Role: ${sa.role}, State: ${sa.state}`,
      `  Initiator cookie: ${hex16(sa.initiatorSpi)}, Responder cookie: ${hex16(sa.responderSpi)}`,
      `  Exchange type: ${sa.mode}, Authentication method: ${sa.authMethod}`,
      `  Local: ${endpoint(sa.local)}, Remote: ${endpoint(sa.remote)}`,
      `  Lifetime: Expires in ${sa.lifetimeRemaining} seconds`,
      `  Reauth Lifetime: ${sa.reauthRemaining === null ? 'Disabled' : `Expires in ${sa.reauthRemaining} seconds`}`,
      `  IKE Fragmentation: ${sa.fragmentation.enabled ? 'Enabled' : 'Disabled'}, Size: ${sa.fragmentation.size}`,
      `  Remote Access Client Info: ${sa.remoteAccessClient}`,
      `  Peer ike-id: ${sa.peerIkeId}`,
      `  AAA assigned IP: ${sa.aaaAssignedIp}`,
      '  Algorithms:',
      `   ${'Authentication'.padEnd(22)}: ${sa.algorithms.authentication}`,
      `   ${'Encryption'.padEnd(22)}: ${sa.algorithms.encryption}`,
      `   ${'Pseudo random function'.padEnd(22)}: ${sa.algorithms.prf}`,
      `   ${'Diffie-Hellman group'.padEnd(22)}: ${sa.algorithms.dhGroup}`,
      '  Traffic statistics:',
      counter('Input  bytes  :', sa.traffic.inputBytes),
      counter('Output bytes  :', sa.traffic.outputBytes),
      counter('Input  packets:', sa.traffic.inputPackets),
      counter('Output packets:', sa.traffic.outputPackets),
      counter('Input  fragmentated packets:', sa.traffic.inputFragmentedPackets),
      counter('Output fragmentated packets:', sa.traffic.outputFragmentedPackets),
      `  IPSec security associations: ${sa.ipsecSas.created} created, ${sa.ipsecSas.deleted} deleted`,
      `  Phase 2 negotiations in progress: ${sa.negotiations.length}`,
    );
    for (const n of sa.negotiations) {
      lines.push(
        '',
        `Negotiation type: ${n.type}, Role: ${n.role}, Message ID: ${n.messageId}`,
        `  Local: ${endpoint(n.local)}, Remote: ${endpoint(n.remote)}`,
        `  Local identity: ${n.localIdentity}`,
        `  Remote identity: ${n.remoteIdentity}`,
        `  Flags: ${n.flags}`,
      );
    }
  }
  return lines;
}

/** `show security ipsec inactive-tunnels`. */
export function renderInactiveTunnels(view: InactiveTunnelsView): string[] {
  const lines = [`  Total inactive tunnels: ${view.tunnels.length}`, `  Total inactive tunnels with establish immediately: ${view.establishImmediately}`];
  if (view.tunnels.length === 0) return lines;
  lines.push('  ID           Port   Gateway          Pending SAs   Tunnel Down Reason');
  for (const t of [...view.tunnels].sort((a, b) => a.id - b.id)) {
    const reason = t.downReason === null ? '-' : `${t.downReason} (${t.downReasonCount} times)`;
    lines.push(`  ${cell(t.id, 13)}${cell(t.port, 7)}${cell(t.gateway, 17)}${cell(t.pendingSas, 14)}${reason}`);
  }
  return lines;
}

/** Refusal of `show security ike tunnel-map` once an SPC3 is installed (see the file comment). */
export const IKE_TUNNEL_MAP_SPC3_ERROR =
  "error: 'show security ike tunnel-map' is not valid when SPC3 cards are installed; use 'show security ipsec tunnel-distribution'";

/** `show security ike tunnel-map`: each gateway's anchor SPU; refused with an SPC3 installed. */
export function renderIkeTunnelMap(rows: readonly TunnelMapRow[], spc3Installed = false): string[] {
  if (spc3Installed) return [IKE_TUNNEL_MAP_SPC3_ERROR];
  const lines = ['  Gateway ID  Gateway Name           FPC  PIC  Instance'];
  for (const r of rows) lines.push(`  ${cell(r.gatewayId, 12)}${cell(r.gatewayName, 23)}${cell(r.fpc, 5)}${cell(r.pic, 5)}${r.instance}`);
  return lines;
}

/** `show security ike tunnel-map summary`: the load of each SPU; refused with an SPC3 installed. */
export function renderIkeTunnelMapSummary(rows: readonly TunnelMapSummaryRow[], spc3Installed = false): string[] {
  if (spc3Installed) return [IKE_TUNNEL_MAP_SPC3_ERROR];
  const lines = ['  FPC  PIC  Load'];
  for (const r of rows) lines.push(`  ${cell(r.fpc, 5)}${cell(r.pic, 5)}${r.load}`);
  return lines;
}
