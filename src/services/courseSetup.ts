/**
 * Course set-up: what an instructor can start a course without content from (a sample unit, last term's course the
 * LMS copied this one from, another course of theirs) and doing it. See docs/decisions/0015-course-setup.md.
 */
import { Conflict, ValidationFailed } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { CourseDirectory, KnownCourse, SampleUnit, SampleUnits } from './courseSetupPorts.js';
import type { CourseRepo, ImportSummary } from './enginePorts.js';
import { exportCourse } from './exportCourse.js';
import { importCourse } from './importCourse.js';
import type { RoleClassifier } from './instructorDashboard.js';
import type { Clock } from './ports.js';

/** What course set-up needs. */
export interface CourseSetupDeps {
  courses: CourseRepo;
  samples: SampleUnits;
  directory: CourseDirectory;
  classifyRoles: RoleClassifier;
  clock: Clock;
}

/** Who asks, from which launch: the session's course, platform and user, and the courses the LMS copied it from. */
export interface SetupActor {
  contextId: string;
  platformId: string;
  userId: string;
  /** LMS context ids of the courses this one was copied from (Canvas `$Canvas.course.previousContextIds`), newest first. */
  previousContextIds: readonly string[];
}

/** What the set-up page offers. */
export interface CourseSetup {
  /** The course's published content, or null while it has none. */
  current: { title: string; objectives: number; items: number } | null;
  samples: SampleUnit[];
  /** Courses the LMS copied this one from that have content (term rollover): offered first. */
  previous: KnownCourse[];
  /** Other courses of this instructor on the same platform that have content. */
  mine: KnownCourse[];
}

/** Where the content comes from. */
export type SetupSource = { kind: 'sample'; id: string } | { kind: 'course'; contextId: string };

/** What set-up did. */
export interface SetupDone {
  /** The course title of the imported content. */
  title: string;
  summary: ImportSummary;
}

/** The custom parameter Masterly's Canvas configuration asks for (`$Canvas.course.previousContextIds`). */
export const PREVIOUS_CONTEXT_IDS_PARAM = 'canvas_previous_context_ids';

/**
 * The LMS context ids in a launch's custom claim (`canvas_previous_context_ids`: "abc,xyz"); none when absent,
 * empty, or not substituted (Canvas sends the variable's name when it cannot expand it). At most 20, each ≤ 255.
 */
export function previousContextIdsOf(custom: unknown): string[] {
  const raw = custom && typeof custom === 'object' ? (custom as Record<string, unknown>)[PREVIOUS_CONTEXT_IDS_PARAM] : undefined;
  if (typeof raw !== 'string' || raw.startsWith('$')) return [];
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= 255);
  return [...new Set(ids)].slice(0, 20);
}

/** Courses this one may take content from: the LMS's copies first, then the actor's own courses as an instructor. */
async function sources(deps: CourseSetupDeps, actor: SetupActor): Promise<{ previous: KnownCourse[]; mine: KnownCourse[] }> {
  const [copiedFrom, enrolled] = await Promise.all([
    actor.previousContextIds.length ? deps.directory.byLtiIds(actor.platformId, actor.previousContextIds) : Promise.resolve([]),
    deps.directory.coursesOf(actor.platformId, actor.userId),
  ]);
  const rank = new Map(actor.previousContextIds.map((id, i) => [id, i]));
  const previous = copiedFrom
    .filter((c) => c.contextId !== actor.contextId && c.objectives > 0)
    .sort((a, b) => (rank.get(a.ltiContextId) ?? 0) - (rank.get(b.ltiContextId) ?? 0));
  const offered = new Set(previous.map((c) => c.contextId));
  const mine = enrolled
    .filter((c) => c.contextId !== actor.contextId && c.objectives > 0 && !offered.has(c.contextId) && deps.classifyRoles(c.roles).isInstructor)
    .map(({ roles: _r, lastLaunchAt: _l, ...c }) => c);
  return { previous, mine };
}

/** What the set-up page of the actor's course offers. */
export async function getCourseSetup(deps: CourseSetupDeps, actor: SetupActor): Promise<CourseSetup> {
  const [snapshot, samples, from] = await Promise.all([deps.courses.snapshot(actor.contextId), deps.samples.list(), sources(deps, actor)]);
  const current = snapshot?.objectives.length
    ? { title: snapshot.settings.title, objectives: snapshot.objectives.length, items: (await deps.courses.listItems(actor.contextId, snapshot.objectives.map((o) => o.id))).length }
    : null;
  return { current, samples, ...from };
}

/**
 * Gives a course without content its first content: a sample unit, or a copy of a course the actor may copy
 * (one the LMS copied this course from, or one where their latest launch was as an instructor). Throws
 * ValidationFailed (path `sample` or `course`) for a choice that is not offered, Conflict when the course has
 * content already (another instructor was faster): nothing is written then.
 */
export async function setUpCourse(deps: CourseSetupDeps, actor: SetupActor, source: SetupSource): Promise<SetupDone> {
  let file: unknown;
  if (source.kind === 'sample') {
    file = (await deps.samples.list()).some((s) => s.id === source.id) ? await deps.samples.read(source.id) : undefined;
    if (file === undefined) throw new ValidationFailed('Unknown sample unit.', [{ path: 'sample', message: 'Choose one of the sample units.', said: msg('setup.errors.chooseSample') }]);
  } else {
    const { previous, mine } = await sources(deps, actor);
    if (![...previous, ...mine].some((c) => c.contextId === source.contextId)) {
      throw new ValidationFailed('That course cannot be copied from here.', [{ path: 'course', message: 'Choose one of the courses listed.', said: msg('setup.errors.chooseCourse') }]);
    }
    file = await exportCourse(deps, source.contextId);
    if (!file) throw new ValidationFailed('That course has no content.', [{ path: 'course', message: 'That course has no content to copy.', said: msg('setup.errors.sourceEmpty') }]);
  }
  if (await deps.courses.hasObjectives(actor.contextId)) throw alreadySetUp();
  const summary = await importCourse(deps, { contextId: actor.contextId, file, onlyIntoEmpty: true });
  return { title: (file as { course: { title: string } }).course.title, summary };
}

/** The course got content meanwhile (another instructor set it up). */
export const alreadySetUp = (): Conflict => new Conflict('This course already has content.', msg('setup.errors.alreadySetUp'));

/** The set-up use-cases, bound. */
export interface CourseSetupServices {
  /** True when the course has published content (cached once true: content is never removed whole). */
  hasCourse(contextId: string): Promise<boolean>;
  getCourseSetup(actor: SetupActor): Promise<CourseSetup>;
  setUpCourse(actor: SetupActor, source: SetupSource): Promise<SetupDone>;
}

/** Binds the set-up use-cases to their dependencies. */
export function buildCourseSetupServices(deps: CourseSetupDeps): CourseSetupServices {
  const ready = new Set<string>();
  return {
    hasCourse: async (contextId) => {
      if (ready.has(contextId)) return true;
      const has = await deps.courses.hasObjectives(contextId);
      if (has) ready.add(contextId);
      return has;
    },
    getCourseSetup: (actor) => getCourseSetup(deps, actor),
    setUpCourse: (actor, source) => setUpCourse(deps, actor, source),
  };
}
