import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Worker threads run compiled JavaScript. When this module itself runs from TypeScript sources
 * (vitest), the worker is taken from the tsc output in dist/, which `npm test` builds first.
 */
export function compiledSibling(fromUrl: string, jsName: string): string {
  const here = fileURLToPath(fromUrl);
  const dir = dirname(here);
  if (here.endsWith('.js')) return join(dir, jsName);
  // Find the project root (the folder holding package.json) and mirror the path under dist/.
  let root = dir;
  while (!existsSync(join(root, 'package.json'))) {
    const up = dirname(root);
    if (up === root) throw new Error(`no package.json above ${dir}`);
    root = up;
  }
  const target = join(root, 'dist', relative(root, dir), jsName);
  if (!existsSync(target)) throw new Error(`${target} is missing: run \`npm run build\` first`);
  return target;
}
