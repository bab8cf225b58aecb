import fs from 'node:fs';
import path from 'node:path';

const isMasterlyPackage = (file: string): boolean => {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name === 'masterly';
  } catch {
    return false;
  }
};

/**
 * The folder holding Masterly's package.json, found by walking up from `from`. This module sits in `src/` when run
 * from source (tsx), in `dist/src/` when built and in `/app/dist/src/` in the image, so a fixed `../..` cannot be
 * right everywhere; walking up to the package is.
 */
export function findProjectRoot(from: string = import.meta.dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (isMasterlyPackage(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Masterly's package.json was not found in ${from} or above it`);
  }
}

/** The project root (where package.json, views/, public/ and seed/ live), resolved once at start. */
export const PROJECT_ROOT = findProjectRoot();

/** A path inside the project root: `projectPath('views')`, `projectPath('seed', 'fractions.json')`. */
export const projectPath = (...segments: string[]): string => path.join(PROJECT_ROOT, ...segments);

/** The version in package.json (for the User-Agent of calls to LMSs). */
export const PACKAGE_VERSION: string =
  (JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
