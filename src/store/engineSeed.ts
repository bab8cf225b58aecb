import fs from 'node:fs/promises';
import { projectPath } from '../projectRoot.js';

/** Reads the demo course (seed/fractions.json, format masterly-course/1) as parsed JSON. */
export async function readDemoCourseFile(): Promise<unknown> {
  return JSON.parse(await fs.readFile(projectPath('seed', 'fractions.json'), 'utf8')) as unknown;
}
