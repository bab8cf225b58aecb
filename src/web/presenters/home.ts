import type { LaunchAudience, LaunchSession } from '../../services/ports.js';
import type { Translate } from '../../i18n/index.js';

/** Who the set-up page greets (views/setup/index.ejs). */
export interface HomeView {
  greetingName: string;
  roleLabel: string;
}

/** Shapes a session for the set-up page's greeting; falls back to "there" when the LMS shares no name. */
export function presentHome(s: LaunchSession, t: Translate): HomeView {
  const u = s.user;
  const joined = [u.givenName, u.familyName].filter(Boolean).join(' ');
  const greetingName = u.name?.trim() || joined || u.email || t('home.there');
  return {
    greetingName,
    roleLabel: t(s.isInstructor ? 'home.roleInstructor' : s.isLearner ? 'home.roleStudent' : 'home.roleParticipant'),
  };
}

/** What /app says to a launch with no page of its own (views/app.ejs). */
export interface LaunchHelpView {
  kind: 'administrator' | 'noCourse' | 'other';
  title: string;
  courseTitle: string;
  /** The administrator may also open this course's dashboard (an institution Administrator counts as its instructor). */
  dashboard: boolean;
}

/** Shapes /app: an LMS administrator's choices, "open it from your course", or what Masterly is for and whom to ask. */
export function presentLaunchHelp(s: LaunchSession, audience: LaunchAudience, t: Translate): LaunchHelpView {
  const kind = audience === 'administrator' ? 'administrator' : s.contextId === null ? 'noCourse' : 'other';
  const titles = { administrator: t('launchLanding.adminTitle'), noCourse: t('launchLanding.noCourseTitle'), other: t('launchLanding.otherTitle') };
  return {
    kind,
    title: titles[kind],
    courseTitle: s.context?.title || s.context?.label || t('home.yourCourse'),
    dashboard: kind === 'administrator' && s.isInstructor && s.contextId !== null,
  };
}
