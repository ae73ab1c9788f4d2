/** Loads the Junos configuration YANG modules of a directory into a resolver. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { YangResolver, type ResolveOptions } from './resolver.js';

/**
 * The configuration modules: junos-common-types, junos-common-ddl-extensions and every
 * junos-*-conf-* module. RPC modules (operational commands) are not part of the configuration.
 */
export function isConfigModuleFile(file: string): boolean {
  if (!file.endsWith('.yang')) return false;
  return /^junos-common-(types|ddl-extensions)[@.]/.test(file) || /^junos-[a-z]+-conf-/.test(file);
}

export function loadYangDir(dir: string, options: ResolveOptions = {}): { resolver: YangResolver; files: string[] } {
  const files = readdirSync(dir).filter(isConfigModuleFile).sort();
  const resolver = new YangResolver(options);
  for (const f of files) resolver.addSource(readFileSync(join(dir, f), 'utf8'), f);
  return { resolver, files };
}
