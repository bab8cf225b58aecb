/**
 * Presenters of instructor alerts: the in-app list (views/instructor/alerts.ejs) and the e-mail digest's text.
 * Both show what the dashboard shows — a student's name, the reason, the objective and a suggested action — and
 * nothing more (no answers, e-mail addresses or scores).
 */
import type { Digest, InstructorAlert } from '../../services/instructorAlerts.js';
import { render, type Translate } from '../../i18n/index.js';
import { studentHref } from './instructorDashboard.js';

/** One alert as the page shows it. */
export interface AlertView {
  isNew: boolean;
  reason: string;
  student: { name: string; href: string } | null;
  objective: string | null;
  detail: string;
  suggestion: string;
  /** Where to act on it: the student's page, or grade sync. */
  href: string;
}

const suggestionKey = (a: InstructorAlert) => (a.reason === 'grades_failed' ? 'alerts.suggestGrades' : (`instructor.suggest.${a.reason}` as const));
const reasonKey = (a: InstructorAlert) => (a.reason === 'grades_failed' ? 'alerts.reasonGrades' : (`instructor.reason.${a.reason}` as const));

/** Shapes one alert. */
export function presentAlert(a: InstructorAlert, t: Translate): AlertView {
  return {
    isNew: a.isNew,
    reason: t(reasonKey(a)),
    student: a.studentName !== null && a.studentUserId !== null ? { name: a.studentName, href: studentHref(a.studentUserId) } : null,
    objective: a.objectiveTitle,
    detail: render(t, a.detail),
    suggestion: t(suggestionKey(a)),
    href: a.studentUserId ? studentHref(a.studentUserId) : '/instructor/grades',
  };
}

/** The digest's subject and plain text. */
export function composeDigest(d: Digest, t: Translate): { subject: string; text: string } {
  const lines = d.alerts.map((a) => {
    const v = presentAlert(a, t);
    const who = [v.student?.name, v.reason, v.objective].filter(Boolean).join(' · ');
    return `- ${who}\n  ${v.detail}\n  ${v.suggestion}`;
  });
  return {
    subject: t('alerts.digestSubject', { count: d.alerts.length, course: d.courseTitle }),
    text: [t('alerts.digestIntro', { course: d.courseTitle }), '', ...lines, '', t('alerts.digestFooter')].join('\n'),
  };
}
