import type { Translate } from '../../i18n/index.js';
import type { CourseSetup } from '../../services/courseSetup.js';
import type { KnownCourse } from '../../services/courseSetupPorts.js';

/** A problem with one field of the set-up forms, shown beside it. */
export interface SetupFieldError {
  field: 'sample' | 'course';
  message: string;
}

/** A course offered to copy from. */
export interface CourseOption {
  value: string;
  id: string;
  name: string;
  facts: string;
}

/** What the set-up page shows. */
export interface SetupView {
  courseTitle: string;
  csrf: string;
  /** The course's content once it has some (the page then confirms and links on). */
  current: { message: string } | null;
  /** Shown after a set-up that just happened (role=status). */
  done: string | null;
  /** A message about the whole page (role=alert), e.g. someone else set the course up meanwhile. */
  alert: string | null;
  previous: CourseOption[];
  samples: Array<{ value: string; id: string; name: string; description: string; facts: string; checked: boolean }>;
  mine: Array<CourseOption & { checked: boolean }>;
  errors: SetupFieldError[];
  errorOf: { sample: string | null; course: string | null };
  /** This session is an LMS "add content" (Deep Linking) request: offer to go back to it. */
  deepLinking: boolean;
}

const courseName = (c: KnownCourse, t: Translate) => c.title || c.label || t('home.yourCourse');
const option = (c: KnownCourse, t: Translate, prefix: string): CourseOption => ({
  value: c.contextId,
  id: `${prefix}-${c.contextId}`,
  name: c.label && c.title && c.label !== c.title ? `${c.title} (${c.label})` : courseName(c, t),
  facts: t('setup.facts', { objectives: c.objectives, items: c.items }),
});

/** Shapes the set-up of a course for its page. */
export function presentSetup(
  setup: CourseSetup,
  input: { courseTitle: string; csrf: string; done: boolean; deepLinking: boolean; alert?: string | null; errors?: SetupFieldError[]; chosen?: { sample?: string; course?: string } },
  t: Translate,
): SetupView {
  const errors = input.errors ?? [];
  const errorOf = (field: SetupFieldError['field']) => errors.find((e) => e.field === field)?.message ?? null;
  const c = setup.current;
  return {
    courseTitle: input.courseTitle,
    csrf: input.csrf,
    current: c ? { message: t('setup.current', { title: c.title, objectives: c.objectives, items: c.items }) } : null,
    done: c && input.done ? t('setup.done', { title: c.title }) : null,
    alert: input.alert ?? null,
    previous: setup.previous.map((p) => option(p, t, 'previous')),
    samples: setup.samples.map((s) => ({
      value: s.id,
      id: `sample-${s.id}`,
      name: s.title,
      description: s.description,
      facts: t('setup.facts', { objectives: s.objectives, items: s.items }),
      checked: input.chosen?.sample === s.id,
    })),
    mine: setup.mine.map((m) => ({ ...option(m, t, 'course'), checked: input.chosen?.course === m.contextId })),
    errors,
    errorOf: { sample: errorOf('sample'), course: errorOf('course') },
    deepLinking: input.deepLinking,
  };
}

/** What the page for a course that is not set up yet shows to students. */
export interface WaitingView {
  courseTitle: string;
}

/** Shapes the "not set up yet" page. */
export const presentWaiting = (courseTitle: string | null, t: Translate): WaitingView => ({ courseTitle: courseTitle || t('home.yourCourse') });
