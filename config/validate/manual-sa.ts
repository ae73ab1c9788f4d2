/**
 * Manual-key VPNs (`security ipsec vpn V manual`): the SA must name its peer, interface and SPI,
 * ESP needs a cipher (and an integrity algorithm unless the cipher is an AEAD), AH needs an
 * integrity algorithm and no cipher, and every key must have exactly the length its algorithm
 * takes (for AES-GCM and ChaCha20-Poly1305 the 4-byte salt comes after the key, RFC 4106/7634).
 */
import { AUTHENTICATION_SUITES, ENCRYPTION_SUITES, isEncryptionAlgorithm, UNSUPPORTED_ENCRYPTION, type AuthenticationAlgorithm } from '../../crypto/suites.js';
import { keyBytes } from '../keys.js';
import type { Rule, RuleError } from './view.js';

export const manualSaRule: Rule = (root) => {
  const errors: RuleError[] = [];
  for (const vpn of root.c('security', 'ipsec')?.list('vpn') ?? []) {
    const m = vpn.view.c('manual');
    if (!m) continue;
    const level = ['security', 'ipsec', 'vpn', vpn.keys[0]!, 'manual'];
    for (const needed of ['gateway', 'external-interface', 'spi']) {
      if (m.leaf(needed) === undefined) errors.push({ level, statement: needed, message: `Missing mandatory statement: ${needed}` });
    }
    const protocol = m.leaf('protocol') ?? 'esp';
    const enc = m.c('encryption');
    const auth = m.c('authentication');
    const encAlg = enc?.leaf('algorithm');
    const authAlg = auth?.leaf('algorithm');
    if (protocol === 'ah') {
      if (enc) errors.push({ level, statement: 'encryption', message: 'AH authenticates only: remove encryption or use protocol esp' });
      if (!authAlg) errors.push({ level, statement: 'authentication', message: 'AH needs an authentication algorithm and key' });
    } else {
      if (!encAlg) errors.push({ level, statement: 'encryption', message: 'ESP needs an encryption algorithm and key' });
    }
    if (encAlg !== undefined) {
      const unsupported = UNSUPPORTED_ENCRYPTION.find((u) => u.name === encAlg);
      if (unsupported) {
        errors.push({ level: [...level, 'encryption'], statement: `algorithm ${encAlg}`, message: `${encAlg} is not available in this emulator: ${unsupported.reason}` });
      } else if (isEncryptionAlgorithm(encAlg)) {
        const suite = ENCRYPTION_SUITES[encAlg];
        const key = keyBytes(enc?.c('key'));
        if (!key) errors.push({ level: [...level, 'encryption'], statement: 'key', message: 'Missing mandatory statement: key (ascii-text or hexadecimal)' });
        else if (key.length !== suite.keyLength) {
          const salt = suite.kind === 'aead' ? ` (${suite.cipherKeyLength}-byte key and 4-byte salt)` : '';
          errors.push({ level: [...level, 'encryption'], statement: 'key', message: `${encAlg} needs a ${suite.keyLength}-byte key${salt}, this one has ${key.length} bytes` });
        }
        if (suite.kind === 'aead' && authAlg !== undefined) {
          errors.push({ level, statement: 'authentication', message: `${encAlg} authenticates by itself: remove authentication` });
        }
        if (suite.kind === 'cbc' && authAlg === undefined && protocol === 'esp') {
          errors.push({ level, statement: 'authentication', message: `${encAlg} needs an authentication algorithm and key` });
        }
      }
    }
    if (authAlg !== undefined && authAlg in AUTHENTICATION_SUITES) {
      const suite = AUTHENTICATION_SUITES[authAlg as AuthenticationAlgorithm];
      const key = keyBytes(auth?.c('key'));
      if (!key) errors.push({ level: [...level, 'authentication'], statement: 'key', message: 'Missing mandatory statement: key (ascii-text or hexadecimal)' });
      else if (key.length !== suite.keyLength) {
        errors.push({ level: [...level, 'authentication'], statement: 'key', message: `${authAlg} needs a ${suite.keyLength}-byte key, this one has ${key.length} bytes` });
      }
    }
  }
  return errors;
};
