/**
 * Authoring: instructors edit a per-course DRAFT (a whole `masterly-course/1` document) and publish it through the
 * course import in one transaction, so students never see half-edited content. Content changes after students
 * started are events of the log; a changed answer key re-grades past answers only when the instructor says so
 * (docs/decisions/0016-authoring-drafts-and-content-events.md).
 */
import { z } from 'zod';
import { DEFAULT_BKT } from '../domain/bkt.js';
import { Conflict, NotFound, ObjectiveCycle, ValidationFailed, type Issue } from '../domain/errors.js';
import { checkAnswer, parseFraction, parseNumber, type ContentKind, type Item, type ItemResponse } from '../domain/items.js';
import { msg, type Message } from '../domain/message.js';
import { findCycle } from '../domain/objectives.js';
import type { AuthoringRepo } from './authoringPorts.js';
import type { CourseLogEntry, CourseRepo, ImportSummary, StoredItem } from './enginePorts.js';
import { COURSE_FORMAT, CourseFile, planCourseImport } from './importCourse.js';
import type { Clock } from './ports.js';

/** A draft: a course file whose objective list may still be empty. */
export const DraftFile = CourseFile.extend({ objectives: z.array(CourseFile.shape.objectives.element).max(500) });
export type DraftFile = z.infer<typeof DraftFile>;
type DraftObjective = DraftFile['objectives'][number];
type DraftItem = DraftFile['items'][number];
type DraftContent = DraftFile['content'][number];

/** What the authoring use-cases need. */
export interface AuthorCourseDeps {
  courses: CourseRepo;
  authoring: AuthoringRepo;
  clock: Clock;
  ids: { newId(): string };
  /** The published course as a file (src/services/exportCourse.ts); undefined when the course has no content. */
  exportCourse(contextId: string): Promise<CourseFile | undefined>;
  /** Rebuilds the projection from the log and queues the grades that changed (after a re-grade). */
  regrade(contextId: string): Promise<void>;
}

/** The draft an instructor edits and whether it differs from what students see. */
export interface OpenDraft {
  file: DraftFile;
  /** True when unpublished edits exist. */
  unpublished: boolean;
  /** True when the course has published content. */
  published: boolean;
  /** The stored draft's revision, null when there is none (a save names it: see {@link edit}). */
  revision: number | null;
}

const emptyDraft = (): DraftFile => ({ format: COURSE_FORMAT, course: { title: 'New course', description: '' }, objectives: [], items: [], content: [] });

/** The context's draft, else its published content, else an empty course. */
export async function openDraft(deps: Pick<AuthorCourseDeps, 'authoring' | 'exportCourse'>, contextId: string): Promise<OpenDraft> {
  const [stored, published] = await Promise.all([deps.authoring.getDraft(contextId), deps.exportCourse(contextId)]);
  const revision = stored?.revision ?? null;
  if (stored) {
    const parsed = DraftFile.safeParse(stored.document);
    if (parsed.success) return { file: parsed.data, unpublished: true, published: published !== undefined, revision };
  }
  return { file: published ?? emptyDraft(), unpublished: false, published: published !== undefined, revision };
}

// ---------------------------------------------------------------- form fields

type Form = Record<string, unknown>;
const str = (f: Form, k: string): string => (typeof f[k] === 'string' ? (f[k] as string) : Array.isArray(f[k]) ? String((f[k] as unknown[])[0] ?? '') : '').trim();
const list = (f: Form, k: string): string[] => {
  const v = f[k];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter(Boolean);
};
const field = (path: string, key: string, vars?: Record<string, string | number>): Issue => ({ path, message: key, said: msg(`authoring.field.${key}`, vars) });
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

function text(f: Form, k: string, max: number, issues: Issue[], required = true): string {
  const v = str(f, k);
  if (required && !v) issues.push(field(k, 'required'));
  else if (v.length > max) issues.push(field(k, 'tooLong', { max }));
  return v;
}

function percent(f: Form, k: string, min: number, max: number, issues: Issue[]): number | undefined {
  const v = str(f, k).replace(/%$/, '');
  if (!v) return undefined;
  const n = parseNumber(v);
  if (n === null || n < min || n > max) {
    issues.push(field(k, 'percentRange', { min, max }));
    return undefined;
  }
  return Math.round(n * 100) / 10000;
}

/** A key from a title: lower-case letters and digits joined by "-", unique among `taken`. */
export function keyFrom(title: string, taken: ReadonlySet<string>, fallback: string): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || fallback;
  let k = base;
  for (let n = 2; taken.has(k); n++) k = `${base}-${n}`;
  return k;
}

function chooseKey(f: Form, original: string | null, taken: Set<string>, title: string, fallback: string, issues: Issue[]): string {
  const given = str(f, 'key');
  if (original !== null && (!given || given === original)) return original;
  if (!given) return keyFrom(title, taken, fallback);
  if (!KEY.test(given)) issues.push(field('key', 'keyFormat'));
  else if (taken.has(given)) issues.push(field('key', 'keyTaken'));
  return given;
}

const invalid = (issues: Issue[]): ValidationFailed =>
  new ValidationFailed(`The form has ${issues.length} problem(s): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues, msg('authoring.notSaved'));

// ---------------------------------------------------------------- objectives

/** The cycle as titles, for the message beside the prerequisites field ("A requires B requires A"). */
export const cycleMessage = (cycle: readonly string[], titleOf: (key: string) => string): Message => {
  const names = cycle.map(titleOf);
  return msg('authoring.field.cycle', { cycle: [...names, names[0] ?? ''].join(' → ') });
};

/**
 * Creates (original = null) or updates an objective of the draft from its form. Refuses a prerequisite cycle with
 * the cycle named (ERR_OBJECTIVE_CYCLE, issue on `prerequisites`). Returns the objective's key.
 */
export async function saveObjective(deps: AuthorCourseDeps, input: { contextId: string; actor: string; original: string | null; form: Form }): Promise<string> {
  let key = '';
  await edit(deps, input, (file) => {
    const f = input.form;
    const issues: Issue[] = [];
    const old = input.original === null ? undefined : file.objectives.find((o) => o.key === input.original);
    if (input.original !== null && !old) throw new NotFound('The objective');
    const title = text(f, 'title', 200, issues);
    const description = text(f, 'description', 4000, issues, false);
    const taken = new Set(file.objectives.map((o) => o.key).filter((k) => k !== input.original));
    key = chooseKey(f, input.original, taken, title, `objective-${file.objectives.length + 1}`, issues);
    const prerequisites = [...new Set(list(f, 'prerequisites'))];
    if (prerequisites.some((p) => !taken.has(p))) issues.push(field('prerequisites', 'unknownPrerequisite'));
    const prior = percent(f, 'prior', 1, 90, issues);
    const learn = percent(f, 'learn', 1, 50, issues);
    if (issues.length) throw invalid(issues);

    const authored = old?.mastery ?? {};
    const mastery = prior === undefined && learn === undefined && !old?.mastery ? undefined : { ...{ prior: DEFAULT_BKT.prior, learn: DEFAULT_BKT.learn }, ...authored, ...(prior === undefined ? {} : { prior }), ...(learn === undefined ? {} : { learn }) };
    const next: DraftObjective = { key, title, description, prerequisites, ...(old?.itemKind ? { itemKind: old.itemKind } : {}), ...(mastery ? { mastery } : {}) };
    const renamed = (k: string) => (k === input.original ? key : k);
    const objectives = old
      ? file.objectives.map((o) => (o.key === input.original ? next : { ...o, prerequisites: o.prerequisites.map(renamed) }))
      : [...file.objectives, next];
    const cycle = findCycle(objectives.map((o) => ({ id: o.key, title: o.title, prerequisites: o.prerequisites })));
    if (cycle) {
      const said = cycleMessage(cycle, (k) => objectives.find((o) => o.key === k)?.title ?? k);
      throw new ObjectiveCycle(cycle, `Prerequisites form a cycle: ${cycle.join(' → ')}`, said);
    }
    return {
      ...file,
      objectives,
      items: file.items.map((it) => ({ ...it, objective: renamed(it.objective) })),
      content: file.content.map((c) => ({ ...c, objective: renamed(c.objective) })),
    };
  });
  return key;
}

/** Removes an objective from the draft with its items and pages (history stays: publishing deactivates, never deletes). */
export async function deleteObjective(deps: AuthorCourseDeps, input: { contextId: string; actor: string; key: string }): Promise<void> {
  await edit(deps, input, (file) => {
    if (!file.objectives.some((o) => o.key === input.key)) throw new NotFound('The objective');
    return {
      ...file,
      objectives: file.objectives.filter((o) => o.key !== input.key).map((o) => ({ ...o, prerequisites: o.prerequisites.filter((p) => p !== input.key) })),
      items: file.items.filter((i) => i.objective !== input.key),
      content: file.content.filter((c) => c.objective !== input.key),
    };
  });
}

// ---------------------------------------------------------------- items

/** Kinds of items the form offers. */
export const ITEM_KINDS = ['mc_single', 'mc_multi', 'numeric', 'fraction', 'short'] as const;
/** How many choice fields the item form shows. */
export const CHOICE_FIELDS = 6;
const choiceKey = (i: number) => String.fromCharCode(97 + i);

/** Parses an item form into a draft item (issues on the form's field names). */
function itemFromForm(f: Form, key: string, objectiveKeys: ReadonlySet<string>, issues: Issue[]): DraftItem | undefined {
  const objective = str(f, 'objective');
  if (!objectiveKeys.has(objective)) issues.push(field('objective', 'chooseObjective'));
  const kind = str(f, 'kind') as (typeof ITEM_KINDS)[number];
  if (!ITEM_KINDS.includes(kind)) {
    issues.push(field('kind', 'chooseKind'));
    return undefined;
  }
  const prompt = text(f, 'prompt', 8000, issues);
  const feedback = { correct: text(f, 'feedbackCorrect', 4000, issues, false), incorrect: text(f, 'feedbackIncorrect', 4000, issues, false) };
  const hint = text(f, 'hint', 4000, issues, false);
  const base = { key, objective, prompt, feedback, ...(hint ? { hint } : {}) };
  switch (kind) {
    case 'mc_single':
    case 'mc_multi': {
      const choices: { key: string; text: string }[] = [];
      for (let i = 0; i < CHOICE_FIELDS; i++) {
        const t = text(f, `choice${i}`, 2000, issues, false);
        if (t) choices.push({ key: choiceKey(i), text: t });
      }
      if (choices.length < 2) issues.push(field('choice0', 'twoChoices'));
      const right = list(f, 'right')
        .map((r) => choiceKey(Number(r)))
        .filter((k) => choices.some((c) => c.key === k));
      if (kind === 'mc_single' && right.length !== 1) issues.push(field('right', 'oneRight'));
      if (kind === 'mc_multi' && right.length === 0) issues.push(field('right', 'someRight'));
      return { ...base, kind, choices, answer: right };
    }
    case 'numeric': {
      const value = parseNumber(str(f, 'value'));
      if (value === null) issues.push(field('value', 'number'));
      const tolText = str(f, 'tolerance');
      const tolerance = tolText ? parseNumber(tolText) : 0;
      if (tolerance === null || tolerance < 0) issues.push(field('tolerance', 'tolerance'));
      return { ...base, kind, answer: { value: value ?? 0, tolerance: tolerance ?? 0 } };
    }
    case 'fraction': {
      const fr = parseFraction(str(f, 'fraction'));
      if (!fr) issues.push(field('fraction', 'fraction'));
      return { ...base, kind, answer: { numerator: fr?.numerator ?? 0, denominator: fr?.denominator ?? 1, simplest: str(f, 'simplest') === '1' } };
    }
    case 'short': {
      const accepted = str(f, 'accepted')
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter(Boolean);
      if (accepted.length === 0) issues.push(field('accepted', 'accepted'));
      else if (accepted.some((a) => a.length > 500)) issues.push(field('accepted', 'tooLong', { max: 500 }));
      return { ...base, kind, answer: { accepted, caseSensitive: str(f, 'caseSensitive') === '1' } };
    }
  }
}

/** Creates or updates an item of the draft from its form; returns its key. */
export async function saveItem(deps: AuthorCourseDeps, input: { contextId: string; actor: string; original: string | null; form: Form }): Promise<string> {
  let key = '';
  await edit(deps, input, (file) => {
    const old = input.original === null ? undefined : file.items.find((i) => i.key === input.original);
    if (input.original !== null && !old) throw new NotFound('The question');
    const issues: Issue[] = [];
    const taken = new Set(file.items.map((i) => i.key).filter((k) => k !== input.original));
    const objective = str(input.form, 'objective');
    const n = file.items.filter((i) => i.objective === objective).length + 1;
    key = chooseKey(input.form, input.original, taken, `${objective}-q${n}`, `item-${file.items.length + 1}`, issues);
    const item = itemFromForm(input.form, key, new Set(file.objectives.map((o) => o.key)), issues);
    if (issues.length || !item) throw invalid(issues);
    const kept = old?.difficulty === undefined ? item : { ...item, difficulty: old.difficulty };
    return { ...file, items: old ? file.items.map((i) => (i.key === input.original ? kept : i)) : [...file.items, kept] };
  });
  return key;
}

/** Removes an item from the draft (once published it is deactivated: its answers stay in the log and count). */
export async function deleteItem(deps: AuthorCourseDeps, input: { contextId: string; actor: string; key: string }): Promise<void> {
  await edit(deps, input, (file) => {
    if (!file.items.some((i) => i.key === input.key)) throw new NotFound('The question');
    return { ...file, items: file.items.filter((i) => i.key !== input.key) };
  });
}

// ---------------------------------------------------------------- pages (lesson, reteach, enrichment)

const CONTENT_KINDS: readonly ContentKind[] = ['lesson', 'reteach', 'enrichment'];

/** Creates or updates a lesson, reteach or enrichment page of the draft; returns its key. */
export async function savePage(deps: AuthorCourseDeps, input: { contextId: string; actor: string; original: string | null; form: Form }): Promise<string> {
  let key = '';
  await edit(deps, input, (file) => {
    const old = input.original === null ? undefined : file.content.find((c) => c.key === input.original);
    if (input.original !== null && !old) throw new NotFound('The page');
    const f = input.form;
    const issues: Issue[] = [];
    const objective = str(f, 'objective');
    if (!file.objectives.some((o) => o.key === objective)) issues.push(field('objective', 'chooseObjective'));
    const kind = str(f, 'kind') as ContentKind;
    if (!CONTENT_KINDS.includes(kind)) issues.push(field('kind', 'choosePageKind'));
    const title = text(f, 'title', 200, issues);
    const body = text(f, 'body', 100_000, issues);
    const taken = new Set(file.content.map((c) => c.key).filter((k) => k !== input.original));
    key = chooseKey(f, input.original, taken, `${objective}-${kind}`, `page-${file.content.length + 1}`, issues);
    if (issues.length) throw invalid(issues);
    const page: DraftContent = { key, objective, kind, title, body };
    return { ...file, content: old ? file.content.map((c) => (c.key === input.original ? page : c)) : [...file.content, page] };
  });
  return key;
}

/** Removes a page from the draft. */
export async function deletePage(deps: AuthorCourseDeps, input: { contextId: string; actor: string; key: string }): Promise<void> {
  await edit(deps, input, (file) => {
    if (!file.content.some((c) => c.key === input.key)) throw new NotFound('The page');
    return { ...file, content: file.content.filter((c) => c.key !== input.key) };
  });
}

/** Sets the course's title and description in the draft. */
export async function saveCourseInfo(deps: AuthorCourseDeps, input: { contextId: string; actor: string; form: Form }): Promise<void> {
  await edit(deps, input, (file) => {
    const issues: Issue[] = [];
    const title = text(input.form, 'title', 200, issues);
    const description = text(input.form, 'description', 4000, issues, false);
    // Timed checks (ADR 0023): minutes per mastery check; empty = untimed (0, which publishing applies).
    const rawLimit = str(input.form, 'checkTimeLimitMinutes');
    const checkTimeLimitMinutes = rawLimit === '' ? 0 : /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : -1;
    if (checkTimeLimitMinutes < 0 || checkTimeLimitMinutes > 240) issues.push({ path: 'checkTimeLimitMinutes', message: 'range', said: msg('timed.minutesRange') });
    if (issues.length) throw invalid(issues);
    return { ...file, course: { title, description, checkTimeLimitMinutes } };
  });
}

/** How many times an edit is tried while other saves keep coming in between (n edits at once need n tries). */
const EDIT_TRIES = 10;

/**
 * Applies `change` to the latest draft and saves the result on the revision it read. When another save or a publish
 * came in between, it reads the draft again and re-applies the change, so two instructors editing different parts
 * of a course at once both keep their edits. `change` validates against the draft it is given and may throw.
 */
async function edit(deps: AuthorCourseDeps, who: { contextId: string; actor: string }, change: (file: DraftFile) => DraftFile): Promise<void> {
  for (let i = 0; i < EDIT_TRIES; i++) {
    const { file, revision } = await openDraft(deps, who.contextId);
    if (await deps.authoring.saveDraft(who.contextId, DraftFile.parse(change(file)), deps.clock.now(), who.actor, revision)) return;
  }
  throw new Conflict('The draft kept changing while saving.', msg('drafts.busy'));
}

/** Throws away the draft: the published content stays as it is. */
export async function discardDraft(deps: AuthorCourseDeps, input: { contextId: string }): Promise<void> {
  await deps.authoring.deleteDraft(input.contextId);
}

// ---------------------------------------------------------------- publish

/** The domain item of a draft item (for checking answers in preview and re-grading). */
export function itemOf(it: DraftItem): Item {
  const base = { id: it.key, objectiveIds: [it.objective], stem: it.prompt };
  switch (it.kind) {
    case 'mc_single':
      return { ...base, kind: 'single_choice', choices: it.choices.map((c) => ({ id: c.key, text: c.text })), correctChoiceId: it.answer[0] ?? '' };
    case 'mc_multi':
      return { ...base, kind: 'multiple_choice', choices: it.choices.map((c) => ({ id: c.key, text: c.text })), correctChoiceIds: it.answer };
    case 'numeric':
      return { ...base, kind: 'numeric', answer: it.answer.value, tolerance: it.answer.tolerance };
    case 'fraction':
      return { ...base, kind: 'fraction', numerator: it.answer.numerator, denominator: it.answer.denominator, simplest: it.answer.simplest };
    case 'short':
      return { ...base, kind: 'short_answer', acceptedAnswers: it.answer.accepted, caseSensitive: it.answer.caseSensitive };
  }
}

const keyOfAnswer = (i: Item): string => {
  const { id: _id, objectiveIds: _o, stem: _s, ...rest } = i;
  return JSON.stringify(rest);
};

/** An item whose answer key changed while students had answered it. */
export interface ChangedKey {
  key: string;
  prompt: string;
  answers: number;
  /** Past answers whose right/wrong would change under the new key. */
  wouldChange: number;
}

/** What publishing did, or why it waits for the instructor. */
export type PublishResult =
  | { status: 'published'; summary: ImportSummary; regraded: number; changedKeys: ChangedKey[] }
  | { status: 'needs_decision'; changedKeys: ChangedKey[] };

const asResponse = (a: unknown): ItemResponse | null =>
  typeof a === 'string' ? a : Array.isArray(a) && a.every((x) => typeof x === 'string') ? (a as string[]) : null;

/**
 * Publishes the draft: validates it as a course file and applies it through the course import in one transaction
 * with a `content_published` event. When an answer key changed on an item students have answered, it waits for
 * the instructor's choice (`answerKeys`): `keep` leaves past answers as they were graded; `regrade` appends a
 * `response_regraded` event for every past answer whose result changes, rebuilds the projection from the log and
 * queues the grades that changed (the ledger shows them).
 */
export async function publishDraft(deps: AuthorCourseDeps, input: { contextId: string; actor: string; answerKeys?: 'keep' | 'regrade' }): Promise<PublishResult> {
  const stored = await deps.authoring.getDraft(input.contextId);
  if (!stored) throw new Conflict('There is nothing to publish.', msg('authoring.publish.nothing'));
  const draft = DraftFile.parse(stored.document);
  if (draft.objectives.length === 0) throw new ValidationFailed('Add an objective first.', [], msg('authoring.publish.noObjectives'));
  const plan = planCourseImport(input.contextId, draft);

  const published = new Map((await deps.courses.listItems(input.contextId)).map((s): [string, StoredItem] => [s.key, s]));
  const changed: { draft: DraftItem; stored: StoredItem }[] = [];
  for (const it of draft.items) {
    const old = published.get(it.key);
    if (old && keyOfAnswer(old.item) !== keyOfAnswer(itemOf(it))) changed.push({ draft: it, stored: old });
  }
  const past = changed.length ? await deps.authoring.pastAnswers(input.contextId, changed.map((c) => c.stored.id)) : [];
  const log: CourseLogEntry[] = [];
  const changedKeys: ChangedKey[] = changed
    .map(({ draft: d, stored: s }) => {
      const answers = past.filter((p) => p.itemId === s.id);
      let wouldChange = 0;
      for (const a of answers) {
        const r = asResponse(a.answer);
        if (r === null) continue;
        const now = checkAnswer(itemOf(d), r).correct;
        if (now === a.correct) continue;
        wouldChange++;
        log.push({
          attemptId: `regrade-${deps.ids.newId()}`,
          type: 'response_regraded',
          userId: a.userId,
          objectiveId: a.objectiveId,
          itemId: s.id,
          correct: now,
          data: { of: a.attemptId, item: d.key },
        });
      }
      return { key: d.key, prompt: d.prompt, answers: answers.length, wouldChange };
    })
    .filter((c) => c.answers > 0);
  if (changedKeys.length && !input.answerKeys) return { status: 'needs_decision', changedKeys };
  const regrades = input.answerKeys === 'regrade' ? log : [];
  const event: CourseLogEntry = {
    attemptId: `content-${deps.ids.newId()}`,
    type: 'content_published',
    userId: null,
    objectiveId: null,
    itemId: null,
    correct: null,
    data: { by: input.actor, answerKeys: changedKeys.length ? (input.answerKeys ?? 'keep') : null, changedKeys: changedKeys.map((c) => c.key) },
  };
  const summary = await deps.courses.applyImport({ ...plan, log: [event, ...regrades] }, deps.clock.now());
  // An edit saved while this publish ran stays as the next draft.
  await deps.authoring.deleteDraft(input.contextId, stored.revision);
  if (regrades.length) await deps.regrade(input.contextId);
  return { status: 'published', summary, regraded: regrades.length, changedKeys };
}

/** Checks an answer to a draft item for "preview as student": nothing is recorded. */
export async function previewCheck(deps: AuthorCourseDeps, input: { contextId: string; itemKey: string; answer: ItemResponse }): Promise<{ correct: boolean; feedback: string; generic: Message | string }> {
  const { file } = await openDraft(deps, input.contextId);
  const it = file.items.find((i) => i.key === input.itemKey);
  if (!it) throw new NotFound('The question');
  const checked = checkAnswer(itemOf(it), input.answer);
  return { correct: checked.correct, feedback: checked.correct ? it.feedback.correct : it.feedback.incorrect, generic: checked.feedback };
}
