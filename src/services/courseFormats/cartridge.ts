/**
 * IMS Common Cartridge / content package (zip, `.imscc`) holding QTI 2.1 items (`imsqti_item_xmlv2p1` resources).
 * Objectives are the manifest's organisation (one folder per objective holding its items); a Masterly extension file
 * (`masterly/course.json`, a `webcontent` resource) carries what QTI cannot: objective keys, descriptions and
 * prerequisites, lessons, reteach and enrichment pages, course settings, item hints and difficulty.
 *
 * Reading is defensive (zip bombs, path traversal): the upload is spilled to a temporary file, the central directory
 * is checked before anything is unpacked — at most {@link ZIP_LIMITS}.entries entries, {@link ZIP_LIMITS}.totalBytes
 * unpacked, no entry compressed more than {@link ZIP_LIMITS}.ratio : 1, no absolute path or `..` — then only the
 * manifest, the extension and the item files it names are read, each as a stream with its size enforced (yauzl).
 *
 * @see https://www.imsglobal.org/question/qtiv2p1/imsqti_infov2p1.html
 * @see https://www.imsglobal.org/cc/ccv1p3/imscc_Overview.html
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { z } from 'zod';
import { ImportRejected } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import { CourseFile } from '../importCourse.js';
import { DraftBuilder, excerpt, htmlToMarkdown, type Conversion, type NewItem } from './draft.js';
import { child, children, esc, innerXml, localName, streamRecords, type El } from './xml.js';

/** Limits of an uploaded archive (checked on the central directory before unpacking, then while reading). */
export const ZIP_LIMITS = { entries: 20_000, totalBytes: 250 * 1024 * 1024, ratio: 200, ratioMinBytes: 1024 * 1024 };

const QTI_NS = 'http://www.imsglobal.org/xsd/imsqti_v2p1';
const EXTENSION = 'masterly/course.json';
const EXTENSION_FORMAT = 'masterly-cartridge-extension/1';

// ------------------------------------------------------------------------------------------------ reading

const pathProblem = (name: string): boolean => name.includes('\\') || name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..');

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (err, zip) => (err ? reject(zipError(err)) : resolve(zip))),
  );
}

const zipError = (err: Error): ImportRejected => {
  const m = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(err.message);
  if (m) return new ImportRejected('zip_path', 'path escapes the archive', { details: { name: excerpt(m[1] ?? '', 80) } });
  if (/too many bytes|too few bytes|exceed/i.test(err.message)) return new ImportRejected('zip_ratio', 'entry size lies', { details: { name: '?' } });
  return new ImportRejected('zip_malformed', err.message, { cause: err });
};

/** Every entry of the central directory, checked against the limits before anything is unpacked. */
function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    if (zip.entryCount > ZIP_LIMITS.entries) return reject(new ImportRejected('zip_too_many_entries', 'too many entries', { details: { limit: ZIP_LIMITS.entries } }));
    const entries = new Map<string, yauzl.Entry>();
    let total = 0;
    zip.on('entry', (e: yauzl.Entry) => {
      if (pathProblem(e.fileName)) return reject(new ImportRejected('zip_path', 'path escapes the archive', { details: { name: excerpt(e.fileName, 80) } }));
      total += e.uncompressedSize;
      if (total > ZIP_LIMITS.totalBytes) return reject(new ImportRejected('zip_too_large', 'unpacks too large', { details: { limitMb: ZIP_LIMITS.totalBytes / 1024 / 1024 } }));
      if (e.uncompressedSize > ZIP_LIMITS.ratioMinBytes && e.uncompressedSize / Math.max(1, e.compressedSize) > ZIP_LIMITS.ratio)
        return reject(new ImportRejected('zip_ratio', 'compression ratio too high', { details: { name: excerpt(e.fileName, 80) } }));
      if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(zipError(err)));
    zip.readEntry();
  });
}

const openEntry = (zip: yauzl.ZipFile, e: yauzl.Entry): Promise<Readable> =>
  new Promise((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(zipError(err)) : resolve(s))));

async function* entryChunks(zip: yauzl.ZipFile, e: yauzl.Entry): AsyncGenerator<Buffer> {
  const s = await openEntry(zip, e);
  try {
    for await (const c of s) yield c as Buffer;
  } catch (err) {
    throw err instanceof ImportRejected ? err : zipError(err as Error);
  }
}

const readEntryText = async (zip: yauzl.ZipFile, e: yauzl.Entry): Promise<string> => {
  const parts: Buffer[] = [];
  for await (const c of entryChunks(zip, e)) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
};

/** The Masterly extension (everything of a course file but the items, plus per-item extras). */
const Extension = CourseFile.omit({ items: true, format: true })
  .extend({ items: z.array(z.object({ key: z.string(), objective: z.string(), hint: z.string().max(4000).optional(), difficulty: z.number().min(0).max(3000).optional() })).default([]) })
  .passthrough();

/** A QTI 2.1 item → a course item, or why it is skipped. */
function qtiItem(item: El): { name: string; key: string; item?: NewItem; skip?: ReturnType<typeof msg> } {
  const key = item.attrs.identifier ?? '';
  const name = item.attrs.title ?? key;
  const body = child(item, 'itemBody');
  const find = (el: El | undefined, names: string[]): El | undefined => {
    if (!el) return undefined;
    for (const c of el.children) {
      if (names.includes(localName(c.name))) return c;
      const deep = find(c, names);
      if (deep) return deep;
    }
    return undefined;
  };
  const INTERACTIONS: Record<string, string> = {
    matchInteraction: 'matching',
    associateInteraction: 'matching',
    gapMatchInteraction: 'dragAndDrop',
    graphicGapMatchInteraction: 'dragAndDrop',
    orderInteraction: 'ordering',
    graphicOrderInteraction: 'ordering',
    extendedTextInteraction: 'essay',
    uploadInteraction: 'essay',
    inlineChoiceInteraction: 'cloze',
  };
  const other = find(body, Object.keys(INTERACTIONS));
  if (other) return { name, key, skip: msg('interop.skip.unsupported', { type: msg(`interop.types.${INTERACTIONS[localName(other.name)]}`) }) };
  const interaction = find(body, ['choiceInteraction', 'textEntryInteraction']);
  if (!body || !interaction) return { name, key, skip: msg('interop.skip.unsupported', { type: msg('interop.types.other') }) };
  const isInteraction = (e: El) => /Interaction$/.test(localName(e.name)) || e.attrs.class === 'masterly-hidden';
  const md = (e: El | undefined, skip: (e: El) => boolean = () => false): string => {
    if (!e) return '';
    const mdDiv = e.children.find((c) => c.attrs.class === 'masterly-markdown');
    return mdDiv ? mdDiv.text.trim() : htmlToMarkdown(innerXml(e, skip));
  };
  const promptEl = child(interaction, 'prompt');
  const prompt = [md(body, isInteraction), md(promptEl)].filter(Boolean).join('\n\n');
  const decl = children(item, 'responseDeclaration').find((d) => d.attrs.identifier === interaction.attrs.responseIdentifier) ?? child(item, 'responseDeclaration');
  const values = children(child(decl, 'correctResponse'), 'value').map((v) => v.text.trim());
  const feedbacks = children(item, 'modalFeedback');
  const fbOf = (id: string) => md(feedbacks.find((f) => (f.attrs.identifier ?? '').toLowerCase() === id));
  const feedback = { correct: fbOf('correct'), incorrect: fbOf('incorrect') };
  if (localName(interaction.name) === 'choiceInteraction') {
    const choices = children(interaction, 'simpleChoice').map((c) => ({ key: c.attrs.identifier ?? '', text: md(c) }));
    if (values.length === 0) return { name, key, skip: msg('interop.skip.noCorrect') };
    const multi = decl?.attrs.cardinality === 'multiple' || Number(interaction.attrs.maxChoices ?? '1') !== 1;
    return { name, key, item: multi ? { prompt, kind: 'mc_multi', choices, answer: values, feedback } : { prompt, kind: 'mc_single', choices, answer: values, feedback } };
  }
  const baseType = decl?.attrs.baseType ?? 'string';
  if (baseType === 'float' || baseType === 'integer') {
    const value = Number(values[0]);
    const equal = find(child(item, 'responseProcessing'), ['equal']);
    const tolerance = Math.abs(Number((equal?.attrs.tolerance ?? '0').trim().split(/\s+/)[0]));
    if (!Number.isFinite(value) || !Number.isFinite(tolerance)) return { name, key, skip: msg('interop.skip.notANumber') };
    return { name, key, item: { prompt, kind: 'numeric', answer: { value, tolerance }, feedback } };
  }
  const entries = children(child(decl, 'mapping'), 'mapEntry').filter((m) => Number(m.attrs.mappedValue ?? '0') > 0);
  const accepted = [...new Set([...values, ...entries.map((m) => m.attrs.mapKey ?? '')])].filter(Boolean);
  if (accepted.length === 0) return { name, key, skip: msg('interop.skip.noCorrect') };
  const caseSensitive = entries.length > 0 && entries.every((m) => m.attrs.caseSensitive === 'true');
  return { name, key, item: { prompt, kind: 'short', answer: { accepted, caseSensitive }, feedback } };
}

/** Reads a Common Cartridge / QTI 2.1 content package. */
export async function readCartridge(source: AsyncIterable<Buffer | string>, opts: { title: string; onProgress?: (n: number) => void | Promise<void> }): Promise<Conversion> {
  const tmp = path.join(os.tmpdir(), `masterly-import-${randomUUID()}.zip`);
  try {
    await pipeline(source, fs.createWriteStream(tmp, { mode: 0o600 }));
    const zip = await openZip(tmp);
    try {
      return await readPackage(zip, opts);
    } finally {
      zip.close();
    }
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

async function readPackage(zip: yauzl.ZipFile, opts: { title: string; onProgress?: (n: number) => void | Promise<void> }): Promise<Conversion> {
  const entries = await listEntries(zip);
  const manifestEntry = entries.get('imsmanifest.xml');
  if (!manifestEntry) throw new ImportRejected('cartridge_invalid', 'no manifest', { details: { detail: 'imsmanifest.xml is missing' } });
  let manifest: El | undefined;
  await streamRecords(entryChunks(zip, manifestEntry), { record: 'manifest', onRecord: (m) => void (manifest = m) });
  if (!manifest) throw new ImportRejected('cartridge_invalid', 'no manifest element', { details: { detail: 'imsmanifest.xml has no <manifest>' } });

  const resources = new Map<string, El>();
  for (const r of children(child(manifest, 'resources'), 'resource')) if (r.attrs.identifier) resources.set(r.attrs.identifier, r);
  const hrefOf = (r: El): string | undefined => r.attrs.href ?? child(r, 'file')?.attrs.href;
  const isQti = (r: El) => /imsqti_item_xmlv2p1|imsqti_xmlv2p1|qti.*item/i.test(r.attrs.type ?? '');

  let extension: ReturnType<typeof Extension.parse> | undefined;
  const extEntry = entries.get(EXTENSION);
  if (extEntry) {
    try {
      extension = Extension.parse(JSON.parse(await readEntryText(zip, extEntry)));
    } catch {
      throw new ImportRejected('cartridge_invalid', 'bad extension', { details: { detail: `${EXTENSION} is not a valid Masterly extension` } });
    }
  }
  const extra = new Map((extension?.items ?? []).map((i) => [i.key, i]));

  // Objectives: the organisation's folders (title → objective), in order; items outside any folder go to one default.
  const b = new DraftBuilder();
  const byKey = new Map((extension?.objectives ?? []).map((o) => [o.key, o]));
  for (const o of extension?.objectives ?? []) b.category(`ext/${o.key}`, { key: o.key, title: o.title, description: o.description, prerequisites: o.prerequisites });
  const placed: { ref: string; folder: string | undefined; folderTitle: string | undefined }[] = [];
  const walk = (el: El, folder: El | undefined) => {
    for (const it of children(el, 'item')) {
      const ref = it.attrs.identifierref;
      if (ref && resources.has(ref)) placed.push({ ref, folder: folder?.attrs.identifier, folderTitle: folder ? child(folder, 'title')?.text.trim() : undefined });
      if (children(it, 'item').length) walk(it, it);
    }
  };
  for (const org of children(child(manifest, 'organizations'), 'organization')) walk(org, undefined);
  const seen = new Set(placed.map((p) => p.ref));
  for (const [id, r] of resources) if (isQti(r) && !seen.has(id)) placed.push({ ref: id, folder: undefined, folderTitle: undefined });

  let n = 0;
  for (const p of placed) {
    const r = resources.get(p.ref) as El;
    if (!isQti(r)) continue;
    const href = hrefOf(r);
    const entry = href ? entries.get(path.posix.normalize(`${path.posix.dirname(r.attrs['xml:base'] ?? '.')}/${href}`).replace(/^\.\//, '')) ?? entries.get(href) : undefined;
    if (!entry) {
      b.skip(p.ref, msg('interop.skip.missingFile', { file: href ?? p.ref }));
      continue;
    }
    const items: El[] = [];
    await streamRecords(entryChunks(zip, entry), { record: 'assessmentItem', skipText: ['object', 'img'], onRecord: (el) => void items.push(el) });
    for (const el of items) {
      const q = qtiItem(el);
      const ext = extra.get(q.key);
      const objective = ext && byKey.has(ext.objective) ? b.category(`ext/${ext.objective}`) : b.category(`org/${p.folder ?? ''}`, { title: p.folderTitle ?? opts.title });
      if (!q.item) {
        b.skip(q.name || q.key, q.skip ?? msg('interop.skip.unsupported', { type: msg('interop.types.other') }));
        continue;
      }
      b.add(q.key || q.name, { ...q.item, ...(ext?.hint ? { hint: ext.hint } : {}), ...(ext?.difficulty !== undefined ? { difficulty: ext.difficulty } : {}) } as NewItem, objective);
    }
    if (++n % 500 === 0) await opts.onProgress?.(b.count);
  }
  if (!extension && placed.length === 0) throw new ImportRejected('cartridge_invalid', 'no QTI items', { details: { detail: 'no QTI 2.1 item resources in the manifest' } });
  const { items: _items, objectives: _objectives, content, course, ...rest } = extension ?? { items: [], objectives: [], content: [], course: { title: opts.title, description: '' } };
  const built = b.build(course, content, extension !== undefined);
  // The extension's objectives are taken whole, so fields QTI knows nothing of (per-objective settings) survive.
  const objectives = built.file.objectives.map((o) => byKey.get(o.key) ?? o);
  return { file: { ...rest, ...built.file, objectives } as CourseFile, report: built.report };
}

// ------------------------------------------------------------------------------------------------ writing

const md = (s: string) => `<div class="masterly-markdown">${esc(s)}</div>`;

function qtiXml(it: CourseFile['items'][number]): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<assessmentItem xmlns="${QTI_NS}" identifier="${esc(it.key)}" title="${esc(excerpt(it.prompt, 60))}" adaptive="false" timeDependent="false">\n`;
  let decl: string;
  let interaction: string;
  let processing: string;
  if (it.kind === 'mc_single' || it.kind === 'mc_multi') {
    const multi = it.kind === 'mc_multi';
    decl = `  <responseDeclaration identifier="RESPONSE" cardinality="${multi ? 'multiple' : 'single'}" baseType="identifier">\n    <correctResponse>${it.answer.map((a) => `<value>${esc(a)}</value>`).join('')}</correctResponse>\n  </responseDeclaration>\n`;
    interaction = `    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="${multi ? 0 : 1}">\n${it.choices.map((c) => `      <simpleChoice identifier="${esc(c.key)}">${md(c.text)}</simpleChoice>\n`).join('')}    </choiceInteraction>\n`;
    processing = '<match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>';
  } else if (it.kind === 'numeric') {
    decl = `  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">\n    <correctResponse><value>${it.answer.value}</value></correctResponse>\n  </responseDeclaration>\n`;
    interaction = '    <p><textEntryInteraction responseIdentifier="RESPONSE" expectedLength="10"/></p>\n';
    processing = `<equal toleranceMode="absolute" tolerance="${it.answer.tolerance} ${it.answer.tolerance}"><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></equal>`;
  } else {
    // QTI has no fraction type: a fraction is a string "n/d" here (masterly/course.json keeps it exactly).
    const accepted = it.kind === 'fraction' ? [`${it.answer.numerator}/${it.answer.denominator}`] : it.answer.accepted;
    const cs = it.kind === 'short' && it.answer.caseSensitive ? 'true' : 'false';
    decl = `  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">\n    <correctResponse><value>${esc(accepted[0] ?? '')}</value></correctResponse>\n    <mapping defaultValue="0">${accepted.map((a) => `<mapEntry mapKey="${esc(a)}" mappedValue="1" caseSensitive="${cs}"/>`).join('')}</mapping>\n  </responseDeclaration>\n`;
    interaction = '    <p><textEntryInteraction responseIdentifier="RESPONSE" expectedLength="20"/></p>\n';
    processing = '<gt><mapResponse identifier="RESPONSE"/><baseValue baseType="float">0</baseValue></gt>';
  }
  return (
    head +
    decl +
    '  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>\n' +
    '  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>\n' +
    `  <itemBody>\n    ${md(it.prompt)}\n${interaction}  </itemBody>\n` +
    `  <responseProcessing>\n    <responseCondition>\n      <responseIf>${processing}\n        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>\n        <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">correct</baseValue></setOutcomeValue>\n      </responseIf>\n      <responseElse>\n        <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">incorrect</baseValue></setOutcomeValue>\n      </responseElse>\n    </responseCondition>\n  </responseProcessing>\n` +
    `  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">${md(it.feedback.correct)}</modalFeedback>\n` +
    `  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="incorrect" showHide="show">${md(it.feedback.incorrect)}</modalFeedback>\n` +
    '</assessmentItem>\n'
  );
}

/** A minimal zip writer (deflate, CRC-32 from zlib): the entries in order. Exported for tests that build archives. */
export function zipFiles(files: { name: string; data: Buffer; store?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const packed = f.store ? f.data : zlib.deflateRawSync(f.data);
    const crc = zlib.crc32(f.data);
    const method = f.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * A course as a Common Cartridge: `imsmanifest.xml` (one organisation folder per objective, one QTI 2.1 item
 * resource per item under `items/<objective>/<item>.xml`) and the Masterly extension `masterly/course.json`.
 */
export function writeCartridge(file: CourseFile): Buffer {
  const safe = (k: string) => k.replace(/[^A-Za-z0-9_.-]/g, '_');
  const files: { name: string; data: Buffer }[] = [];
  const resources: string[] = [];
  const folders: string[] = [];
  file.objectives.forEach((o, oi) => {
    const refs: string[] = [];
    file.items.forEach((it, ii) => {
      if (it.objective !== o.key) return;
      const id = `R${ii + 1}`;
      const href = `items/${safe(o.key)}/${safe(it.key)}.xml`;
      files.push({ name: href, data: Buffer.from(qtiXml(it)) });
      resources.push(`    <resource identifier="${id}" type="imsqti_item_xmlv2p1" href="${esc(href)}"><file href="${esc(href)}"/></resource>`);
      refs.push(`        <item identifier="I${ii + 1}" identifierref="${id}"><title>${esc(excerpt(it.prompt, 60))}</title></item>`);
    });
    folders.push(`      <item identifier="O${oi + 1}"><title>${esc(o.title)}</title>\n${refs.join('\n')}\n      </item>`);
  });
  const { items, format: _format, ...rest } = file;
  const extension = { format: EXTENSION_FORMAT, ...rest, items: items.map((it) => ({ key: it.key, objective: it.objective, ...(it.hint ? { hint: it.hint } : {}), ...(it.difficulty !== undefined ? { difficulty: it.difficulty } : {}) })) };
  resources.push(`    <resource identifier="MASTERLY" type="webcontent" href="${EXTENSION}"><file href="${EXTENSION}"/></resource>`);
  const manifest =
    `<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="masterly-course" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1" xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest">\n` +
    `  <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion><lomimscc:lom><lomimscc:general><lomimscc:title><lomimscc:string>${esc(file.course.title)}</lomimscc:string></lomimscc:title></lomimscc:general></lomimscc:lom></metadata>\n` +
    `  <organizations>\n    <organization identifier="ORG" structure="rooted-hierarchy">\n      <item identifier="ROOT">\n${folders.join('\n')}\n      </item>\n    </organization>\n  </organizations>\n` +
    `  <resources>\n${resources.join('\n')}\n  </resources>\n</manifest>\n`;
  return zipFiles([{ name: 'imsmanifest.xml', data: Buffer.from(manifest) }, ...files, { name: EXTENSION, data: Buffer.from(JSON.stringify(extension, null, 1)) }]);
}
