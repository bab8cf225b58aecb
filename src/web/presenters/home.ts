import type { LaunchSession } from '../../services/ports.js';

/** What the /app greeting shows. */
export interface HomeView {
  greetingName: string;
  roleLabel: 'Instructor' | 'Student' | 'Participant';
  /** An instructor of the launch's course: the page shows the instructor navigation. */
  isInstructor: boolean;
  courseTitle: string | null;
  courseLabel: string | null;
}

/** Shapes a session for the greeting; falls back to "there" when the LMS shares no name. */
export function presentHome(s: LaunchSession): HomeView {
  const u = s.user;
  const joined = [u.givenName, u.familyName].filter(Boolean).join(' ');
  const greetingName = u.name?.trim() || joined || u.email || 'there';
  return {
    greetingName,
    roleLabel: s.isInstructor ? 'Instructor' : s.isLearner ? 'Student' : 'Participant',
    isInstructor: s.isInstructor && s.context !== null,
    courseTitle: s.context ? s.context.title || s.context.label || 'your course' : null,
    courseLabel: s.context?.label ?? null,
  };
}
