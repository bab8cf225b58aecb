/**
 * Importing a course file in steps (ADR 0020): `stageCourseImport` converts an upload (any format of
 * ./courseFormats) into a `masterly-course/1` draft, checks it exactly as the final import will, and stores it with
 * its per-question report; the instructor previews it, may regroup objectives (`regroupCourseImport`), then
 * `startCourseImport` commits it through importCourse (one transaction) — from any process, since the draft lives in
 * the database. A rejected file stages nothing; a failed commit changes nothing and can be retried.
 */
import { AppError, ImportRejected } from '../domain/errors.js';
import { msg, type Message } from '../domain/message.js';
import { convertCourseFile, formatOfName, writeCourseFile, type CourseFormat, type ExportedFile, type ItemReport } from './courseFormats/index.js';
import type { CourseRepo, IdGenerator, ImportSummary } from './enginePorts.js';
import { exportCourse } from './exportCourse.js';
import { importCourse, planCourseImport, type CourseFile } from './importCourse.js';
import type { Clock } from './ports.js';

/** Where a staged import is. */
export type ImportStatus = 'reading' | 'ready' | 'committing' | 'committed' | 'failed';

/** A staged import as stored. */
export interface StagedImport {
  id: string;
  contextId: string;
  format: CourseFormat;
  filename: string;
  status: ImportStatus;
  /** Questions read so far (while reading). */
  progress: number;
  draft: CourseFile | undefined;
  report: ItemReport[];
  /** After a commit: what changed; after a failure: why. */
  outcome: { summary?: ImportSummary; error?: Message; titles?: Record<string, string> } | undefined;
  createdAt: number;
  updatedAt: number;
}

/** Storage of staged imports (src/store/courseImportRepo.ts). */
export interface CourseImportRepo {
  create(row: { id: string; contextId: string; format: CourseFormat; filename: string; at: number }): Promise<void>;
  setProgress(id: string, progress: number, at: number): Promise<void>;
  /** Stores the checked draft and report: status ready. */
  stage(id: string, draft: CourseFile, report: ItemReport[], at: number): Promise<void>;
  /** A staged import; `editable` reads the draft only while it can still change (ready or failed), for pages. */
  get(contextId: string, id: string, draft?: 'always' | 'editable'): Promise<StagedImport | undefined>;
  /** Staged imports of a context, newest first, without drafts or reports. */
  recent(contextId: string, limit: number): Promise<Omit<StagedImport, 'draft' | 'report'>[]>;
  /** Replaces the draft of a ready import; false when it is not ready any more. */
  updateDraft(id: string, draft: CourseFile, report: ItemReport[], at: number): Promise<boolean>;
  /** ready/failed (or committing since before `staleBefore`) → committing, atomically; false when another won. */
  claim(id: string, at: number, staleBefore: number): Promise<boolean>;
  finish(id: string, status: 'committed' | 'failed', outcome: StagedImport['outcome'], at: number): Promise<void>;
  remove(id: string): Promise<void>;
}

/** What the import use-cases need. */
export interface CourseImportDeps {
  imports: CourseImportRepo;
  courses: CourseRepo;
  clock: Clock;
  ids: IdGenerator;
}

/** A commit that has not finished within this long is taken to have died with its process and may be retried. */
const STALE_COMMIT_MS = 10 * 60_000;

const nowMs = (clock: Clock): number => clock.now();
const stripExtension = (name: string) => name.replace(/(\.gift)?\.[a-z0-9]+$/i, '') || name;

/**
 * Converts an upload and stages it (status ready); returns its id. The format is given or guessed from the file
 * name. Throws ImportRejected (unreadable, hostile, nothing importable) or ValidationFailed (a native file that is
 * not a valid course); then nothing is kept.
 */
export async function stageCourseImport(
  deps: CourseImportDeps,
  input: { contextId: string; filename: string; format?: CourseFormat | undefined; source: AsyncIterable<Buffer | string> },
): Promise<string> {
  const format = input.format ?? formatOfName(input.filename);
  if (!format) throw new ImportRejected('format_unknown', `cannot tell the format of "${input.filename}"`);
  const id = deps.ids.newId();
  const filename = input.filename.slice(0, 200) || 'upload';
  await deps.imports.create({ id, contextId: input.contextId, format, filename, at: nowMs(deps.clock) });
  try {
    const existing = await deps.courses.snapshot(input.contextId);
    const title = existing?.settings.title || stripExtension(filename).slice(0, 200);
    const { file, report } = await convertCourseFile(format, input.source, {
      title,
      onProgress: (n) => deps.imports.setProgress(id, n, nowMs(deps.clock)),
    });
    if (!report.some((r) => r.status === 'imported')) throw new ImportRejected('nothing_importable', 'no importable question');
    planCourseImport(input.contextId, file); // the same checks the commit runs: a file that would fail is refused now
    await deps.imports.stage(id, file, report, nowMs(deps.clock));
    return id;
  } catch (err) {
    await deps.imports.remove(id);
    throw err;
  }
}

/** A staged import of the context (any status), or ImportRejected `staging_gone`. */
export async function getCourseImport(deps: Pick<CourseImportDeps, 'imports'>, input: { contextId: string; id: string; draft?: 'always' | 'editable' }): Promise<StagedImport> {
  const found = await deps.imports.get(input.contextId, input.id, input.draft);
  if (!found) throw new ImportRejected('staging_gone', 'no such staged import in this context');
  return found;
}

/** A change to the objective grouping of a draft: a new title, or its questions moved into another objective. */
export interface GroupChange {
  key: string;
  title?: string;
  into?: string;
}

/**
 * Adjusts the objective grouping of a ready import: renames objectives and merges some into others (their questions
 * and pages move; prerequisites on a merged objective point to its target). Checks the result like the import will.
 */
export async function regroupCourseImport(deps: CourseImportDeps, input: { contextId: string; id: string; changes: GroupChange[] }): Promise<void> {
  const staged = await getCourseImport(deps, input);
  if (staged.status !== 'ready' || !staged.draft) throw new ImportRejected('staging_busy', 'not ready');
  const draft = staged.draft;
  const keys = new Set(draft.objectives.map((o) => o.key));
  const target = new Map<string, string>();
  for (const c of input.changes) if (c.into && c.into !== c.key && keys.has(c.into) && keys.has(c.key)) target.set(c.key, c.into);
  // Follow chains (a → b → c) to an objective that stays; a loop keeps its first member.
  const finalOf = (k: string): string => {
    const seen = new Set<string>();
    let cur = k;
    while (target.has(cur) && !seen.has(cur)) {
      seen.add(cur);
      cur = target.get(cur) as string;
    }
    return target.has(cur) ? k : cur;
  };
  const titles = new Map(input.changes.filter((c) => c.title?.trim()).map((c) => [c.key, (c.title as string).trim().slice(0, 200)]));
  const next: CourseFile = {
    ...draft,
    objectives: draft.objectives
      .filter((o) => finalOf(o.key) === o.key)
      .map((o) => ({
        ...o,
        title: titles.get(o.key) ?? o.title,
        prerequisites: [...new Set(o.prerequisites.map(finalOf))].filter((p) => p !== o.key),
      })),
    items: draft.items.map((it) => ({ ...it, objective: finalOf(it.objective) })),
    content: draft.content.map((c) => ({ ...c, objective: finalOf(c.objective) })),
  };
  planCourseImport(input.contextId, next);
  const report = staged.report.map((r) => (r.objective ? { ...r, objective: finalOf(r.objective) } : r));
  if (!(await deps.imports.updateDraft(input.id, next, report, nowMs(deps.clock)))) throw new ImportRejected('staging_busy', 'not ready');
}

/**
 * The staged course merged into the context's current course: same keys are updated, the rest kept. An objective of
 * the file whose key the course does not know but whose title it does (GIFT and CSV files carry titles, not keys)
 * is that objective.
 */
function mergeInto(existing: CourseFile | undefined, draft: CourseFile): CourseFile {
  if (!existing) return draft;
  const known = new Set(existing.objectives.map((o) => o.key));
  const byTitle = new Map(existing.objectives.map((o) => [o.title.trim().toLowerCase(), o.key]));
  const alias = new Map<string, string>();
  for (const o of draft.objectives) {
    const same = byTitle.get(o.title.trim().toLowerCase());
    if (!known.has(o.key) && same) alias.set(o.key, same);
  }
  const keyOf = (k: string) => alias.get(k) ?? k;
  const byKey = <T extends { key: string }>(a: T[], b: T[], keep: (old: T, next: T) => T = (_o, n) => n) => {
    const m = new Map(a.map((x) => [x.key, x]));
    for (const x of b) m.set(x.key, m.has(x.key) ? keep(m.get(x.key) as T, x) : x);
    return [...m.values()];
  };
  // What a format cannot carry (GIFT and CSV have no prerequisites or descriptions; GIFT no hints) is kept, not erased.
  return {
    ...existing,
    objectives: byKey(
      existing.objectives,
      draft.objectives.map((o) => ({ ...o, key: keyOf(o.key), prerequisites: o.prerequisites.map(keyOf) })),
      (old, next) => ({ ...next, description: next.description || old.description, prerequisites: next.prerequisites.length ? next.prerequisites : old.prerequisites }),
    ),
    items: byKey(
      existing.items,
      draft.items.map((it) => ({ ...it, objective: keyOf(it.objective) })),
      (old, next) => ({ ...next, ...(next.hint || !old.hint ? {} : { hint: old.hint }), ...(next.difficulty !== undefined || old.difficulty === undefined ? {} : { difficulty: old.difficulty }) }),
    ),
    content: byKey(existing.content, draft.content.map((c) => ({ ...c, objective: keyOf(c.objective) }))),
  };
}

/**
 * Claims a staged import for commit (atomically, so two clicks or two processes cannot both commit) and returns the
 * commit's work: importCourse of the draft, added to the course's current content (`add`, same keys updated) or
 * replacing it (`replace`: objectives and items not in the file are deactivated, their history kept). The outcome is
 * recorded on the staged import either way.
 */
export async function startCourseImport(
  deps: CourseImportDeps,
  input: { contextId: string; id: string; mode: 'add' | 'replace' },
): Promise<{ done: Promise<ImportSummary> }> {
  const staged = await getCourseImport(deps, input);
  if (staged.status === 'committed' || !staged.draft) throw new ImportRejected('staging_gone', `import is ${staged.status}`);
  const at = nowMs(deps.clock);
  if (!(await deps.imports.claim(input.id, at, at - STALE_COMMIT_MS))) throw new ImportRejected('staging_busy', 'already committing');
  const draft = staged.draft;
  const done = (async () => {
    try {
      const file = input.mode === 'add' ? mergeInto(await exportCourse(deps, input.contextId), draft) : draft;
      const summary = await importCourse(deps, { contextId: input.contextId, file });
      // The draft is dropped once committed; the report keeps naming the objectives its questions went to.
      const titles = Object.fromEntries(draft.objectives.map((o) => [o.key, o.title]));
      await deps.imports.finish(input.id, 'committed', { summary, titles }, nowMs(deps.clock));
      return summary;
    } catch (err) {
      const error = err instanceof AppError && err.said ? err.said : msg('interop.commitFailed');
      await deps.imports.finish(input.id, 'failed', { error }, nowMs(deps.clock)).catch(() => undefined);
      throw err;
    }
  })();
  return { done };
}

/** Drops a staged import that was not committed. */
export async function discardCourseImport(deps: CourseImportDeps, input: { contextId: string; id: string }): Promise<void> {
  const staged = await getCourseImport(deps, input);
  if (staged.status === 'committing') throw new ImportRejected('staging_busy', 'committing');
  await deps.imports.remove(input.id);
}

/** The context's course in a format, or undefined when it has no content yet. */
export async function exportCourseAs(deps: Pick<CourseImportDeps, 'courses'>, input: { contextId: string; format: CourseFormat }): Promise<(ExportedFile & { title: string }) | undefined> {
  const file = await exportCourse(deps, input.contextId);
  return file && { ...(await writeCourseFile(input.format, file)), title: file.course.title };
}

/** The import use-cases bound to their dependencies (built once by src/compose.ts). */
export function buildCourseImportServices(deps: CourseImportDeps) {
  return {
    stageCourseImport: (i: Parameters<typeof stageCourseImport>[1]) => stageCourseImport(deps, i),
    getCourseImport: (i: { contextId: string; id: string; draft?: 'always' | 'editable' }) => getCourseImport(deps, i),
    recentCourseImports: (contextId: string) => deps.imports.recent(contextId, 10),
    regroupCourseImport: (i: Parameters<typeof regroupCourseImport>[1]) => regroupCourseImport(deps, i),
    startCourseImport: (i: Parameters<typeof startCourseImport>[1]) => startCourseImport(deps, i),
    discardCourseImport: (i: { contextId: string; id: string }) => discardCourseImport(deps, i),
    exportCourseAs: (i: { contextId: string; format: CourseFormat }) => exportCourseAs(deps, i),
    hasCourse: (contextId: string) => deps.courses.hasObjectives(contextId),
  };
}

/** The import services as the web layer and the CLI see them. */
export type CourseImportServices = ReturnType<typeof buildCourseImportServices>;
