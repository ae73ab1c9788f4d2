/**
 * tshark as the independent decoder of captures: fields of every frame, optionally with the ESP
 * SA table `lab keys` wrote, so ESP is decrypted and its ICV checked by code nobody here wrote.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function tshark(pcap: string, fields: readonly string[], keysFile?: string, ikev2File?: string): string[] {
  const args = ['-r', pcap];
  if (keysFile) {
    args.push('-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE');
    for (const line of readFileSync(keysFile, 'utf8').trim().split('\n')) args.push('-o', `uat:esp_sa:${line}`);
  }
  // `lab keys FILE` writes the IKEv2 SAs to FILE.ikev2 (Wireshark's ikev2_decryption_table).
  if (ikev2File) for (const line of readFileSync(ikev2File, 'utf8').trim().split('\n')) if (line !== '') args.push('-o', `uat:ikev2_decryption_table:${line}`);
  const t = spawnSync('tshark', [...args, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  if (t.error) throw new Error('tshark is not installed (CI installs it through .ci/run: apt-get install tshark)');
  return t.stdout.trim().split('\n');
}
