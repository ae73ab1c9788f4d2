/**
 * `show security ipsec security-associations [detail]` and `show security ipsec statistics`,
 * with the layouts of reference/srx5000-facts.md §6. Manual SAs have no lifetime and no IKE
 * port: those columns print `-`. IKE-negotiated tunnels come from the daemon's views
 * (ike/status.ts): remaining lifetime, port 500/4500, tunnel events; manual and IKE tunnels are
 * listed together by tunnel ID.
 */
import type { Device } from '../../../chassis/device.js';
import { Tunnels, type Tunnel } from '../../../chassis/net/tunnels.js';
import type { IpsecCounters } from '../../../dataplane/spu/esp-path.js';
import type { IpsecSaView, IpsecTunnelView } from '../../../ike/status.js';

/** `aes-128-cbc` → `aes-cbc-128`, as the SA list prints ciphers. */
function cipherText(alg: string): string {
  const m = /^aes-(\d+)-(cbc|gcm)$/.exec(alg);
  return m ? `aes-${m[2]}-${m[1]}` : alg;
}

/** `hmac-sha-256-128` → `sha256`; an AEAD has no separate integrity: `None`. */
function integrityText(alg: string): string {
  const m = /^hmac-(md5|sha1|sha-(\d+))/.exec(alg);
  if (!m) return 'None';
  return m[1] === 'md5' ? 'md5' : m[1] === 'sha1' ? 'sha1' : `sha${m[2]}`;
}

function algorithmText(t: Tunnel): string {
  const d = Tunnels.describe(t.vpn);
  if (t.vpn.protocol === 'ah') return `AH:none/${integrityText(d.integrity)}`;
  return `ESP:${cipherText(d.cipher)}/${integrityText(d.integrity)}`;
}

const spiText = (spi: number): string => spi.toString(16).padStart(8, '0');

/** `aes-cbc (256 bits)` → `aes-cbc-256`; `None` → `none`. */
function viewCipherText(enc: string): string {
  const m = /^([a-z0-9-]+) \((\d+) bits\)$/.exec(enc);
  return m ? `${m[1]}-${m[2]}` : enc.toLowerCase();
}

function viewAlgorithmText(sa: IpsecSaView): string {
  if (sa.protocol === 'AH') return `AH:none/${integrityText(sa.authentication)}`;
  return `ESP:${viewCipherText(sa.encryption)}/${integrityText(sa.authentication)}`;
}

const lifeText = (sa: IpsecSaView): string => `${sa.hardLifetime ?? '-'}/ ${sa.lifesizeRemaining === null ? 'unlim' : sa.lifesizeRemaining}`;

/** Inbound SAs of an IKE tunnel view: one per pair. */
const pairsOf = (t: IpsecTunnelView): number => t.sas.filter((s) => s.direction === 'inbound').length;

export function renderIpsecSas(dev: Device, tunnels: readonly Tunnel[], ike: readonly IpsecTunnelView[] = []): string[] {
  const kmd = dev.ikeDaemon.daemon !== 'iked';
  const sas = tunnels.length + ike.reduce((n, t) => n + pairsOf(t), 0);
  const lines = [`  Total active tunnels: ${tunnels.length + ike.length}     Total ${kmd ? 'Ipsec' : 'IPsec'} sas: ${sas}`];
  if (tunnels.length + ike.length === 0) return lines;
  lines.push('  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway');
  const rows: Array<{ id: number; lines: string[] }> = [];
  for (const t of tunnels) {
    rows.push({ id: t.id, lines: ['<', '>'].map((dir) => `  ${dir}${t.id} ${algorithmText(t)} ${spiText(t.vpn.spi)} -/ unlim - root - ${t.vpn.gateway}`) });
  }
  for (const t of ike) {
    rows.push({
      id: t.id,
      lines: t.sas.map((sa) => `  ${sa.direction === 'inbound' ? '<' : '>'}${t.id} ${viewAlgorithmText(sa)} ${spiText(sa.spi)} ${lifeText(sa)} ${sa.vpnMonitoring} ${t.virtualSystem} ${t.port} ${t.remoteGateway}`),
    });
  }
  for (const r of rows.sort((a, b) => a.id - b.id)) lines.push(...r.lines);
  return lines;
}

/** `Mon Mar 04 2024 09:14:02` on the device clock (UTC). */
function eventTime(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const expires = (s: number | null): string => (s === null ? 'Never' : `Expires in ${s} seconds`);

/** The detail block of one IKE tunnel (facts §6 layout, plus the anchor lines manual tunnels print too). */
function ikeTunnelDetail(dev: Device, t: IpsecTunnelView, engine: string): string[] {
  const card = dev.card(t.anchor.fpc);
  const lines = [
    `  ID: ${t.id} Virtual-system: ${t.virtualSystem}, VPN Name: ${t.vpnName}`,
    `  Local Gateway: ${t.localGateway}, Remote Gateway: ${t.remoteGateway}`,
    `  Local Identity: ${t.localIdentity}`,
    `  Remote Identity: ${t.remoteIdentity}`,
    `  Version: ${t.version}`,
    `  DF-bit: ${t.dfBit}, Copy-Outer-DSCP ${t.copyOuterDscp ? 'Enabled' : 'Disabled'}, Bind-interface: ${t.bindInterface ?? '-'}`,
    `  Port: ${t.port}, Nego#: ${t.negotiations}, Fail#: ${t.failures}, Def-Del#: ${t.deferredDeletes} Flag: 0x${t.flags.toString(16)}`,
    '  Tunnel events:',
    ...[...t.events].sort((a, b) => b.at - a.at).map((e) => `    ${eventTime(e.at)}: ${e.text} (${e.count} times)`),
    `  Location: FPC ${t.anchor.fpc}, PIC ${t.anchor.pic}, KMD-Instance 0`,
    `  Anchorpoint: FPC ${t.anchor.fpc}, PIC ${t.anchor.pic} (${card?.kind.description ?? '-'}), Crypto engine: ${engine}`,
  ];
  for (const sa of t.sas) {
    lines.push(
      `  Direction: ${sa.direction}, SPI: ${spiText(sa.spi)}, AUX-SPI: ${sa.auxSpi}`,
      `                              , VPN Monitoring: ${sa.vpnMonitoring}`,
      `    Hard lifetime: ${expires(sa.hardLifetime)}`,
      `    Lifesize Remaining:  ${sa.lifesizeRemaining === null ? 'Unlimited' : `${sa.lifesizeRemaining} kilobytes`}`,
      `    Soft lifetime: ${expires(sa.softLifetime)}`,
      `    Mode: ${sa.mode}(0 0), Type: ${sa.type}, State: ${sa.state}`,
      `    Protocol: ${sa.protocol}, Authentication: ${sa.authentication}, Encryption: ${sa.encryption}`,
      `    Anti-replay service: ${sa.antiReplay.enabled ? 'counter-based enabled' : 'disabled'}, Replay window size: ${sa.antiReplay.windowSize}`,
    );
  }
  return lines;
}

/** Detail of IKE tunnels and manual ones, by tunnel ID, a blank line between tunnels. */
export function renderIpsecSasDetailAll(
  dev: Device,
  manual: readonly Tunnel[],
  engineOf: (t: Tunnel) => string,
  ike: readonly IpsecTunnelView[],
  ikeEngineOf: (t: IpsecTunnelView) => string,
): string[] {
  const blocks: Array<{ id: number; lines: string[] }> = [
    ...manual.map((t) => ({ id: t.id, lines: renderIpsecSasDetail(dev, [t], engineOf) })),
    ...ike.map((t) => ({ id: t.id, lines: ikeTunnelDetail(dev, t, ikeEngineOf(t)) })),
  ].sort((a, b) => a.id - b.id);
  const lines: string[] = [];
  for (const b of blocks) {
    if (lines.length > 0) lines.push('');
    lines.push(...b.lines);
  }
  return lines;
}

export function renderIpsecSasDetail(dev: Device, tunnels: readonly Tunnel[], engineOf: (t: Tunnel) => string): string[] {
  const lines: string[] = [];
  for (const t of tunnels) {
    const d = Tunnels.describe(t.vpn);
    const card = dev.card(t.spu.slot);
    lines.push(
      `  ID: ${t.id} Virtual-system: root, VPN Name: ${t.vpn.name}`,
      `  Local Gateway: ${t.local}, Remote Gateway: ${t.vpn.gateway}`,
      '  Local Identity: ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
      '  Remote Identity: ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
      '  Version: Manual',
      `  DF-bit: clear, Copy-Outer-DSCP Disabled, Bind-interface: ${t.vpn.bindInterface ?? '-'}`,
      `  Location: FPC ${t.spu.slot}, PIC ${t.spu.pic}, KMD-Instance 0`,
      `  Anchorpoint: FPC ${t.spu.slot}, PIC ${t.spu.pic} (${card?.kind.description ?? '-'}), Crypto engine: ${engineOf(t)}`,
    );
    for (const direction of ['inbound', 'outbound']) {
      const proto = t.vpn.protocol === 'ah' ? 'AH' : 'ESP';
      const enc = t.vpn.protocol === 'ah' ? 'None' : `${cipherText(d.cipher).replace(/-\d+$/, '')} (${d.encBits} bits)`;
      lines.push(
        `  Direction: ${direction}, SPI: ${spiText(t.vpn.spi)}, AUX-SPI: 0`,
        '                              , VPN Monitoring: -',
        '    Hard lifetime: Never',
        '    Lifesize Remaining:  Unlimited',
        '    Soft lifetime: Never',
        '    Mode: Tunnel(0 0), Type: manual, State: installed',
        `    Protocol: ${proto}, Authentication: ${d.integrity === 'none' ? 'None' : d.integrity}, Encryption: ${enc}`,
        '    Anti-replay service: disabled, Replay window size: 0',
      );
    }
    lines.push('');
  }
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function row(label: string, value: number): string {
  const text = `  ${label}:`;
  return `${text}${String(value).padStart(Math.max(1, 35 - text.length))}`;
}

export function renderIpsecStatistics(c: IpsecCounters, tsCheckFail = 0): string[] {
  return [
    'ESP Statistics:',
    row('Encrypted bytes', c.encryptedBytes),
    row('Decrypted bytes', c.decryptedBytes),
    row('Encrypted packets', c.encryptedPackets),
    row('Decrypted packets', c.decryptedPackets),
    'AH Statistics:',
    row('Input bytes', c.ahInputBytes),
    row('Output bytes', c.ahOutputBytes),
    row('Input packets', c.ahInputPackets),
    row('Output packets', c.ahOutputPackets),
    'Errors:',
    `  AH authentication failures: ${c.ahAuthFailures}, Replay errors: ${c.replayErrors}`,
    `  ESP authentication failures: ${c.espAuthFailures}, ESP decryption failures: ${c.espDecryptionFailures}`,
    `  Bad headers: ${c.badHeaders}, Bad trailers: ${c.badTrailers}`,
    `  Invalid SPI: ${c.invalidSpi}, TS check fail: ${tsCheckFail}`,
    `  Exceeds tunnel MTU: ${c.exceedsTunnelMtu}`,
    `  Discarded: ${c.discarded}`,
  ];
}
