import { DEFAULT_BKT } from '../domain/bkt.js';
import type { CourseRepo, StoredItem } from './enginePorts.js';
import { COURSE_FORMAT, type CourseFile } from './importCourse.js';

const fileItem = (s: StoredItem, objective: string): CourseFile['items'][number] => {
  const i = s.item;
  const base = { key: s.key, objective, prompt: s.prompt, feedback: s.feedback, ...(s.hint ? { hint: s.hint } : {}) };
  const choices = s.choices.map((c) => ({ key: c.id, text: c.text }));
  switch (i.kind) {
    case 'single_choice':
      return { ...base, kind: 'mc_single', choices, answer: [i.correctChoiceId] };
    case 'multiple_choice':
      return { ...base, kind: 'mc_multi', choices, answer: [...i.correctChoiceIds] };
    case 'numeric':
      return { ...base, kind: 'numeric', answer: { value: i.answer, tolerance: i.tolerance ?? 0 } };
    case 'fraction':
      return { ...base, kind: 'fraction', answer: { numerator: i.numerator, denominator: i.denominator, simplest: i.simplest ?? false } };
    case 'short_answer':
      return { ...base, kind: 'short', answer: { accepted: [...i.acceptedAnswers], caseSensitive: i.caseSensitive ?? false } };
  }
};

/**
 * The published content of a context as a `masterly-course/1` file (what authoring starts a draft from), or
 * undefined when it has none. Same contract as the course export (src/services/exportCourse.ts), which replaces
 * it once both are on one branch.
 */
export async function publishedCourse(deps: { courses: CourseRepo }, contextId: string): Promise<CourseFile | undefined> {
  const snap = await deps.courses.snapshot(contextId);
  if (!snap || snap.objectives.length === 0) return undefined;
  const [items, content] = await Promise.all([deps.courses.listItems(contextId), deps.courses.listCourseContent(contextId)]);
  const keyOf = new Map(snap.objectives.map((o) => [o.id, o.key]));
  const k = (id: string) => keyOf.get(id) ?? id;
  return {
    format: COURSE_FORMAT,
    course: { title: snap.settings.title, description: snap.settings.description },
    objectives: snap.objectives.map((o) => {
      const a = o.bktAuthored;
      const authored = a.prior !== DEFAULT_BKT.prior || a.learn !== DEFAULT_BKT.learn;
      return {
        key: o.key,
        title: o.title,
        description: o.description,
        prerequisites: o.prerequisites.map(k),
        ...(authored ? { mastery: { prior: a.prior, learn: a.learn } } : {}),
      };
    }),
    items: items.map((s) => fileItem(s, k(s.objectiveId))),
    content: content.filter((c) => keyOf.has(c.objectiveId)).map((c) => ({ key: c.key, objective: k(c.objectiveId), kind: c.kind, title: c.title, body: c.markdown })),
  };
}
