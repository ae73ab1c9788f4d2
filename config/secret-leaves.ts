/**
 * Which leaves hold secrets: Junos stores them `$9$`-obfuscated (or as the crypt hash the user
 * gave) and marks them `## SECRET-DATA` in the curly form.
 */
const SECRET_PATHS: readonly RegExp[] = [
  /(^| )pre-shared-key (ascii-text|hexadecimal)$/,
  /(^| )manual (authentication|encryption) key (ascii-text|hexadecimal)$/,
  /(^| )encrypted-password$/,
  /(^| )authentication-key$/,
  /(^| )secret$/,
];

/** Leaves whose plain input is obfuscated with `$9$` (crypt hashes such as `$1$…` are kept). */
const OBFUSCATED_PATHS: readonly RegExp[] = [SECRET_PATHS[0]!, SECRET_PATHS[1]!, SECRET_PATHS[3]!, SECRET_PATHS[4]!];

export function isSecretLeaf(path: string): boolean {
  return SECRET_PATHS.some((re) => re.test(path));
}

export function isObfuscatedLeaf(path: string): boolean {
  return OBFUSCATED_PATHS.some((re) => re.test(path));
}
