import type { LaunchSession } from '../../services/ports.js';
import type { Translate } from '../../i18n/index.js';

/** What the /app greeting shows. */
export interface HomeView {
  greetingName: string;
  roleLabel: string;
  /** An instructor of the launch's course: the page shows the instructor navigation. */
  isInstructor: boolean;
  courseTitle: string | null;
  courseLabel: string | null;
}

/** Shapes a session for the greeting; falls back to "there" when the LMS shares no name. */
export function presentHome(s: LaunchSession, t: Translate): HomeView {
  const u = s.user;
  const joined = [u.givenName, u.familyName].filter(Boolean).join(' ');
  const greetingName = u.name?.trim() || joined || u.email || t('home.there');
  return {
    greetingName,
    roleLabel: t(s.isInstructor ? 'home.roleInstructor' : s.isLearner ? 'home.roleStudent' : 'home.roleParticipant'),
    isInstructor: s.isInstructor && s.context !== null,
    courseTitle: s.context ? s.context.title || s.context.label || t('home.yourCourse') : null,
    courseLabel: s.context?.label ?? null,
  };
}
