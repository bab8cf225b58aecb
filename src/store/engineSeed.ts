import fs from 'node:fs/promises';
import path from 'node:path';

const CANDIDATES = [
  path.resolve(import.meta.dirname, '../../seed/fractions.json'), // src/store → repo root (tsx)
  path.resolve(import.meta.dirname, '../../../seed/fractions.json'), // dist/src/store → repo root (built)
];

/** Reads the demo course (seed/fractions.json, format masterly-course/1) as parsed JSON. */
export async function readDemoCourseFile(): Promise<unknown> {
  for (const file of CANDIDATES) {
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`demo course not found (looked in ${CANDIDATES.join(', ')})`);
}
