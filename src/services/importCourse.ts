import { z } from 'zod';
import { DEFAULT_BKT, clampBktParams } from '../domain/bkt.js';
import { ValidationFailed } from '../domain/errors.js';
import { validateObjectives } from '../domain/objectives.js';
import type { Clock } from './ports.js';
import type { CourseItemKind, CoursePlan, CourseRepo, ImportSummary, ItemPayload } from './enginePorts.js';

/** Authored item difficulty that counts as average (Elo-style rating in the course file). */
export const ELO_AVERAGE = 1500;

/** The course file format this importer reads. */
export const COURSE_FORMAT = 'masterly-course/1';

const key = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/, 'must be 1–80 letters, digits, "_", ".", ":" or "-"');
const text = (max: number) => z.string().trim().min(1).max(max);

const Choice = z.object({ key, text: text(2000) });
const Feedback = z.object({ correct: z.string().max(4000), incorrect: z.string().max(4000) });
const ItemBase = { key, objective: key, prompt: text(8000), feedback: Feedback, hint: z.string().max(4000).optional(), difficulty: z.number().min(0).max(3000).optional() };

const CourseItem = z.discriminatedUnion('kind', [
  z.object({ ...ItemBase, kind: z.literal('mc_single'), choices: z.array(Choice).min(2).max(10), answer: z.array(key).length(1) }),
  z.object({ ...ItemBase, kind: z.literal('mc_multi'), choices: z.array(Choice).min(2).max(10), answer: z.array(key).min(1) }),
  z.object({ ...ItemBase, kind: z.literal('numeric'), answer: z.object({ value: z.number().finite(), tolerance: z.number().min(0).default(0) }) }),
  z.object({
    ...ItemBase,
    kind: z.literal('short'),
    answer: z.object({ accepted: z.array(text(500)).min(1), caseSensitive: z.boolean().default(false) }),
  }),
  z.object({
    ...ItemBase,
    kind: z.literal('fraction'),
    // Compared by value unless `simplest`: then the student's fraction must also be in lowest terms.
    answer: z.object({ numerator: z.number().int().min(-1e9).max(1e9), denominator: z.number().int().min(1).max(1e9), simplest: z.boolean().default(false) }),
  }),
]);

/** Per-objective mastery settings an author may give (BKT: what students likely know already, how fast they learn, guessing, slips). */
const Mastery = z.object({
  prior: z.number().min(0.01).max(0.9),
  learn: z.number().min(0.01).max(0.5),
  guess: z.number().min(0).max(0.5).optional(),
  slip: z.number().min(0).max(0.3).optional(),
});

/** Schema of a `masterly-course/1` file (validated at the edge of the import). */
export const CourseFile = z.object({
  format: z.literal(COURSE_FORMAT),
  course: z.object({
    title: text(200),
    description: z.string().max(4000).default(''),
    /** Timed mastery checks (ADR 0023): minutes per check, before each student's time multiplier; 0 = untimed; absent = unchanged. */
    checkTimeLimitMinutes: z.number().int().min(0).max(240).optional(),
  }),
  objectives: z
    .array(
      z.object({
        key,
        title: text(200),
        description: z.string().max(4000).default(''),
        prerequisites: z.array(key).default([]),
        itemKind: z.string().optional(),
        mastery: Mastery.optional(),
      }),
    )
    .min(1)
    .max(500),
  items: z.array(CourseItem).max(20000),
  content: z
    .array(z.object({ key, objective: key, kind: z.enum(['lesson', 'reteach', 'enrichment']), title: text(200), body: z.string().max(100_000) }))
    .default([]),
});
export type CourseFile = z.infer<typeof CourseFile>;

type Issue = { path: string; message: string };

function crossCheck(file: CourseFile): Issue[] {
  const issues: Issue[] = [];
  const objectiveKeys = new Set<string>();
  const dup = (seen: Set<string>, k: string, path: string, what: string) => {
    if (seen.has(k)) issues.push({ path, message: `Duplicate ${what} key "${k}".` });
    seen.add(k);
  };
  file.objectives.forEach((o, i) => dup(objectiveKeys, o.key, `objectives.${i}.key`, 'objective'));
  file.objectives.forEach((o, i) =>
    o.prerequisites.forEach((p, j) => {
      if (!objectiveKeys.has(p)) issues.push({ path: `objectives.${i}.prerequisites.${j}`, message: `Unknown objective "${p}".` });
    }),
  );
  const itemKeys = new Set<string>();
  file.items.forEach((it, i) => {
    dup(itemKeys, it.key, `items.${i}.key`, 'item');
    if (!objectiveKeys.has(it.objective)) issues.push({ path: `items.${i}.objective`, message: `Unknown objective "${it.objective}".` });
    if (it.kind === 'mc_single' || it.kind === 'mc_multi') {
      const choiceKeys = new Set<string>();
      it.choices.forEach((c, j) => dup(choiceKeys, c.key, `items.${i}.choices.${j}.key`, 'choice'));
      it.answer.forEach((a, j) => {
        if (!choiceKeys.has(a)) issues.push({ path: `items.${i}.answer.${j}`, message: `Answer "${a}" is not one of the choices.` });
      });
      if (new Set(it.answer).size !== it.answer.length) issues.push({ path: `items.${i}.answer`, message: 'Answers repeat a choice.' });
    }
  });
  const contentKeys = new Set<string>();
  file.content.forEach((c, i) => {
    dup(contentKeys, c.key, `content.${i}.key`, 'content');
    if (!objectiveKeys.has(c.objective)) issues.push({ path: `content.${i}.objective`, message: `Unknown objective "${c.objective}".` });
  });
  return issues;
}

const payloadOf = (it: CourseFile['items'][number]): ItemPayload => {
  const common = { feedback: it.feedback, ...(it.hint ? { hint: it.hint } : {}) };
  switch (it.kind) {
    case 'mc_single':
    case 'mc_multi':
      return { ...common, choices: it.choices, answer: it.answer };
    case 'numeric':
      return { ...common, answer: { value: it.answer.value, tolerance: it.answer.tolerance } };
    case 'short':
      return { ...common, answer: { accepted: it.answer.accepted, caseSensitive: it.answer.caseSensitive } };
    case 'fraction':
      return { ...common, answer: { numerator: it.answer.numerator, denominator: it.answer.denominator, simplest: it.answer.simplest } };
  }
};

const isChoice = (k: CourseItemKind) => k === 'mc_single' || k === 'mc_multi';

/**
 * Parses and checks a course file into a write plan; throws ValidationFailed (issues with paths such as
 * `items.3.answer.0`) or ObjectiveCycle (ERR_OBJECTIVE_CYCLE, naming the cycle). Pure: writes nothing.
 */
export function planCourseImport(contextId: string, input: unknown): CoursePlan {
  const parsed = CourseFile.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(file)', message: i.message }));
    throw new ValidationFailed(`The course file is not valid ${COURSE_FORMAT}: ${issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const file = parsed.data;
  const issues = crossCheck(file);
  if (issues.length) {
    throw new ValidationFailed(`The course file is inconsistent: ${issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  validateObjectives(file.objectives.map((o) => ({ id: o.key, title: o.title, prerequisites: o.prerequisites })));

  return {
    contextId,
    format: file.format,
    course: { title: file.course.title, description: file.course.description, checkTimeLimitMinutes: file.course.checkTimeLimitMinutes },
    objectives: file.objectives.map((o) => {
      const kinds = file.items.filter((it) => it.objective === o.key).map((it) => it.kind);
      const responseKind = kinds.length > 0 && kinds.every(isChoice) ? 'multiple_choice' : 'open';
      return {
        key: o.key,
        title: o.title,
        description: o.description,
        prerequisiteKeys: o.prerequisites,
        responseKind,
        bkt: clampBktParams({ ...DEFAULT_BKT, ...o.mastery }, responseKind),
      };
    }),
    items: file.items.map((it) => ({
      key: it.key,
      objectiveKey: it.objective,
      kind: it.kind,
      prompt: it.prompt,
      payload: payloadOf(it),
      // The file rates items like chess players (1500 = average); the engine's Elo scale centres on 0.
      difficulty: (it.difficulty ?? ELO_AVERAGE) - ELO_AVERAGE,
    })),
    content: file.content.map((c) => ({ key: c.key, objectiveKey: c.objective, kind: c.kind, title: c.title, body: c.body })),
  };
}

/** What importCourse needs. */
export interface ImportCourseDeps {
  courses: CourseRepo;
  clock: Clock;
}

/**
 * Imports a `masterly-course/1` file into a context: validates everything first, then writes it in one
 * transaction. Idempotent by keys: a re-import updates objectives, items and content in place (learner data
 * stays attached); items and objectives no longer listed are deactivated, never deleted. `onlyIntoEmpty`: a course
 * that has active objectives by then is left alone (Conflict, ERR_CONFLICT), decided inside the write transaction.
 */
export async function importCourse(deps: ImportCourseDeps, input: { contextId: string; file: unknown; onlyIntoEmpty?: boolean }): Promise<ImportSummary> {
  const plan = planCourseImport(input.contextId, input.file);
  return deps.courses.applyImport(plan, deps.clock.now(), input.onlyIntoEmpty ? { onlyIntoEmpty: true } : undefined);
}
