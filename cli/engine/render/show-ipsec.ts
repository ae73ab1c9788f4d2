/**
 * `show security ipsec security-associations [detail]` and `show security ipsec statistics`,
 * with the layouts of reference/srx5000-facts.md §6. Manual SAs have no lifetime and no IKE
 * port: those columns print `-`.
 */
import type { Device } from '../../../chassis/device.js';
import { Tunnels, type Tunnel } from '../../../chassis/net/tunnels.js';
import type { IpsecCounters } from '../../../dataplane/spu/esp-path.js';

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

export function renderIpsecSas(dev: Device, tunnels: readonly Tunnel[]): string[] {
  const kmd = dev.ikeDaemon.daemon !== 'iked';
  const lines = [`  Total active tunnels: ${tunnels.length}     Total ${kmd ? 'Ipsec' : 'IPsec'} sas: ${tunnels.length}`];
  if (tunnels.length === 0) return lines;
  lines.push('  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway');
  for (const t of tunnels) {
    for (const dir of ['<', '>']) lines.push(`  ${dir}${t.id} ${algorithmText(t)} ${spiText(t.vpn.spi)} -/ unlim - root - ${t.vpn.gateway}`);
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

export function renderIpsecStatistics(c: IpsecCounters): string[] {
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
    `  Invalid SPI: ${c.invalidSpi}, TS check fail: 0`,
    `  Exceeds tunnel MTU: ${c.exceedsTunnelMtu}`,
    `  Discarded: ${c.discarded}`,
  ];
}
