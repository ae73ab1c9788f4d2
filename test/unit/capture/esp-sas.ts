// The ESP SAs of a shared capture, in the formatter's terms (helper, not a test file).
import {
  ESP_AUTHENTICATION,
  ESP_ENCRYPTION,
  type EspAuthentication,
  type EspEncryption,
  type EspSaKeys,
} from '../../../dataplane/capture/wireshark-keys.js';
import { hex, loadEspVectors, type EspVector } from '../packet/helpers.js';

/** The Junos name behind a Wireshark name and key size (the captures' JSON speaks Wireshark). */
export function junosEsp(v: EspVector): { encryption: EspEncryption; authentication: EspAuthentication } {
  const keyLen = v.sa.key.length / 2;
  const encryption = (Object.keys(ESP_ENCRYPTION) as EspEncryption[]).find(
    (k) => ESP_ENCRYPTION[k].wireshark === v.sa.encryption && ESP_ENCRYPTION[k].keyLength === keyLen,
  );
  const authentication = (Object.keys(ESP_AUTHENTICATION) as EspAuthentication[]).find(
    (k) => ESP_AUTHENTICATION[k].wireshark === v.sa.authentication,
  );
  if (!encryption || !authentication) throw new Error(`no Junos name for ${v.sa.encryption} / ${v.sa.authentication}`);
  return { encryption, authentication };
}

/** One SA per SPI, in order of first appearance (the order of the captures' esp_sa files). */
export function espSasOf(cap: string): EspSaKeys[] {
  const seen = new Map<string, EspSaKeys>();
  for (const v of loadEspVectors(cap)) {
    if (seen.has(v.spi)) continue;
    seen.set(v.spi, {
      source: v.outer_src,
      destination: v.outer_dst,
      spi: parseInt(v.spi, 16),
      ...junosEsp(v),
      encryptionKey: hex(v.sa.key),
      authenticationKey: hex(v.sa.auth_key),
    });
  }
  return [...seen.values()];
}
