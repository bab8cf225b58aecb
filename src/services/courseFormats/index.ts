/**
 * Course formats: each is a pure converter to and from a `masterly-course/1` file (src/services/importCourse.ts),
 * so every upload, the CLI and the bench go through the same code and the same final check (planCourseImport).
 * Each format's module (and its parser: yauzl, gift-pegjs, …) is loaded when a file in that format is first read or
 * written, not at start: imports and exports are rare next to what students do all day.
 */
import { ImportRejected } from '../../domain/errors.js';
import type { CourseFile } from '../importCourse.js';
import { readAllText, type Conversion, type CourseFormat } from './draft.js';

export { FORMATS, type Conversion, type CourseFormat, type ItemReport } from './draft.js';

/** Options of a conversion: a course title for formats that carry none, progress for long files. */
export interface ConvertOptions {
  title: string;
  onProgress?: (itemsRead: number) => void | Promise<void>;
}

/** The format a file name suggests (`.xml` Moodle XML, `.gift`/`.txt` GIFT, `.csv`, `.json` native, `.imscc`/`.zip`). */
export function formatOfName(filename: string): CourseFormat | undefined {
  const ext = filename.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  return ({ xml: 'moodle', gift: 'gift', txt: 'gift', csv: 'csv', json: 'native', imscc: 'cartridge', zip: 'cartridge' } as const)[ext as 'xml'];
}

function readNative(text: string): Conversion {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw new ImportRejected('json_malformed', 'not JSON');
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ImportRejected('json_malformed', 'not a JSON object');
  const items = Array.isArray((file as { items?: unknown }).items) ? ((file as { items: unknown[] }).items as Record<string, unknown>[]) : [];
  return {
    file: file as CourseFile,
    report: items.map((it, i) => ({
      n: i + 1,
      name: String(it?.key ?? `#${i + 1}`),
      status: 'imported' as const,
      ...(typeof it?.key === 'string' ? { key: it.key } : {}),
      ...(typeof it?.objective === 'string' ? { objective: it.objective } : {}),
    })),
  };
}

/** Converts an upload (a byte stream, size-limited by the caller) into a course-file draft and its report. */
export async function convertCourseFile(format: CourseFormat, source: AsyncIterable<Buffer | string>, opts: ConvertOptions): Promise<Conversion> {
  switch (format) {
    case 'moodle':
      return (await import('./moodleXml.js')).readMoodleXml(source, opts);
    case 'cartridge':
      return (await import('./cartridge.js')).readCartridge(source, opts);
    case 'gift':
      return (await import('./gift.js')).readGift(await readAllText(source), opts);
    case 'csv':
      return (await import('./csvFormat.js')).readCsvCourse(await readAllText(source), opts);
    case 'native':
      return readNative(await readAllText(source));
  }
}

/** A file to download: bytes, type and the extension of its name. */
export interface ExportedFile {
  body: Buffer;
  contentType: string;
  extension: string;
}

/** Writes a course in a format. */
export async function writeCourseFile(format: CourseFormat, file: CourseFile): Promise<ExportedFile> {
  switch (format) {
    case 'moodle':
      return { body: Buffer.from((await import('./moodleXml.js')).writeMoodleXml(file)), contentType: 'application/xml; charset=utf-8', extension: 'xml' };
    case 'gift':
      return { body: Buffer.from((await import('./gift.js')).writeGift(file)), contentType: 'text/plain; charset=utf-8', extension: 'gift.txt' };
    case 'csv':
      return { body: Buffer.from((await import('./csvFormat.js')).writeCsvCourse(file)), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
    case 'native':
      return { body: Buffer.from(`${JSON.stringify(file, null, 2)}\n`), contentType: 'application/json; charset=utf-8', extension: 'json' };
    case 'cartridge':
      return { body: (await import('./cartridge.js')).writeCartridge(file), contentType: 'application/zip', extension: 'imscc' };
  }
}
