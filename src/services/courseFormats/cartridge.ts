/** IMS Common Cartridge with QTI 2.1 items (placeholder until the reader lands). */
import { ImportRejected } from '../../domain/errors.js';
import type { CourseFile } from '../importCourse.js';
import type { Conversion } from './draft.js';

/** Reads a Common Cartridge. */
export async function readCartridge(_source: AsyncIterable<Buffer | string>, _opts: { title: string }): Promise<Conversion> {
  throw new ImportRejected('cartridge_invalid', 'not yet', { details: { detail: 'not supported yet' } });
}

/** Writes a Common Cartridge. */
export function writeCartridge(_file: CourseFile): Buffer {
  return Buffer.alloc(0);
}
