import { DEFAULT_BKT } from '../domain/bkt.js';
import type { CourseRepo, StoredItem } from './enginePorts.js';
import { COURSE_FORMAT, ELO_AVERAGE, type CourseFile } from './importCourse.js';

/** What exportCourse needs. */
export interface ExportCourseDeps {
  courses: CourseRepo;
}

const CONTENT_ORDER = { lesson: 0, reteach: 1, enrichment: 2 } as const;

function itemOf(it: StoredItem, objective: string, difficulty: number): CourseFile['items'][number] {
  const base = {
    key: it.key,
    objective,
    prompt: it.prompt,
    feedback: { correct: it.feedback.correct, incorrect: it.feedback.incorrect },
    ...(it.hint ? { hint: it.hint } : {}),
    // The engine centres difficulty on 0; the file rates items like chess players (1500 = average).
    difficulty: difficulty + ELO_AVERAGE,
  };
  const choices = it.choices.map((c) => ({ key: c.id, text: c.text }));
  const d = it.item;
  switch (d.kind) {
    case 'single_choice':
      return { ...base, kind: 'mc_single', choices, answer: [d.correctChoiceId] };
    case 'multiple_choice':
      return { ...base, kind: 'mc_multi', choices, answer: [...d.correctChoiceIds] };
    case 'numeric':
      return { ...base, kind: 'numeric', answer: { value: d.answer, tolerance: d.tolerance ?? 0 } };
    case 'short_answer':
      return { ...base, kind: 'short', answer: { accepted: [...d.acceptedAnswers], caseSensitive: d.caseSensitive ?? false } };
    case 'fraction':
      return { ...base, kind: 'fraction', answer: { numerator: d.numerator, denominator: d.denominator, simplest: d.simplest ?? false } };
  }
}

/**
 * The published course of a context as a `masterly-course/1` file (active objectives in order with their
 * prerequisites, active items, lessons, reteach and enrichment pages), or undefined when the context has none.
 * Importing the result reproduces the course: `importCourse(export(x))` plans the same course as `x`.
 * Objectives' `itemKind` (a free note of the file, not stored) is not written.
 */
export async function exportCourse(deps: ExportCourseDeps, contextId: string): Promise<CourseFile | undefined> {
  const snap = await deps.courses.snapshot(contextId);
  if (!snap || snap.objectives.length === 0) return undefined;
  const keyOf = new Map(snap.objectives.map((o) => [o.id, o.key]));
  const order = new Map(snap.objectives.map((o, i) => [o.id, i]));
  const [items, content, difficulties] = await Promise.all([
    deps.courses.listItems(contextId),
    deps.courses.listCourseContent(contextId),
    deps.courses.initialDifficulties(contextId),
  ]);
  const rank = (objectiveId: string) => order.get(objectiveId) ?? Number.MAX_SAFE_INTEGER;
  const listedItems = items.filter((it) => keyOf.has(it.objectiveId)).sort((a, b) => rank(a.objectiveId) - rank(b.objectiveId) || a.position - b.position);
  const listedContent = content
    .filter((c) => keyOf.has(c.objectiveId))
    .sort((a, b) => rank(a.objectiveId) - rank(b.objectiveId) || CONTENT_ORDER[a.kind] - CONTENT_ORDER[b.kind] || a.position - b.position);
  const key = (objectiveId: string) => keyOf.get(objectiveId) ?? '';
  return {
    format: COURSE_FORMAT,
    course: { title: snap.settings.title, description: snap.settings.description, ...(snap.settings.checkTimeLimitMinutes ? { checkTimeLimitMinutes: snap.settings.checkTimeLimitMinutes } : {}) },
    objectives: snap.objectives.map((o) => ({
      key: o.key,
      title: o.title,
      description: o.description,
      prerequisites: o.prerequisites.filter((p) => keyOf.has(p)).map(key),
      // Authored mastery settings (authoring pages), written only when they differ from the defaults.
      ...(o.bktAuthored.prior !== DEFAULT_BKT.prior || o.bktAuthored.learn !== DEFAULT_BKT.learn ? { mastery: { prior: o.bktAuthored.prior, learn: o.bktAuthored.learn } } : {}),
    })),
    items: listedItems.map((it) => itemOf(it, key(it.objectiveId), difficulties.get(it.id) ?? 0)),
    content: listedContent.map((c) => ({ key: c.key, objective: key(c.objectiveId), kind: c.kind, title: c.title, body: c.markdown })),
  };
}
