import type { LedgerLine } from '../../services/listGradeLedger.js';
import type { GradePolicy } from '../../services/servicePorts.js';
import { languageFor, LANGUAGES, type Translate } from '../../i18n/index.js';
import { ACTIVITY_GRADES } from '../../domain/gradePolicy.js';
import { formatDate, formatDateTime, formatNumber } from '../../i18n/format.js';

/** One ledger row as the page shows it. */
export interface LedgerRowView {
  id: number;
  student: string;
  column: string;
  status: string;
  statusClass: string;
  wanted: string;
  lastSent: string;
  sentAt: string;
  reason: string;
  canResend: boolean;
}

/** What views/instructor/grades.ejs renders. */
export interface GradesPageView {
  rows: LedgerRowView[];
  counts: { sent: number; pending: number; failed: number };
  csrf: string;
  policy: { policy: GradePolicy['policy']; perObjective: boolean; perActivity: boolean; activityGrade: GradePolicy['activityGrade']; scoreMaximum: number };
  /** The activity grades to choose from (catalogue keys `placements.choice.*`). */
  activityGrades: readonly GradePolicy['activityGrade'][];
  /** The course's language (grade comments, alert e-mails) and the languages to choose from, named in their own language. */
  language: string;
  languages: readonly { code: string; name: string }[];
  notice: string | null;
  /** "You finalised the grades on …" when the instructor did (then Reopen is offered), else null. */
  finalisedOn: string | null;
}

/** A score as the reader's locale writes numbers ("12.50", "12,50"). */
const fmtIn = (lang: string) => (n: number) =>
  formatNumber({ lang }, n, { grouping: false, minFractionDigits: Number.isInteger(n) ? 0 : 2, maxFractionDigits: 2 });

/** Shapes the ledger for the page (no raw rows reach the view). */
export function presentGradesPage(lines: LedgerLine[], policy: GradePolicy, csrf: string, notice: string | null, t: Translate): GradesPageView {
  const fmt = fmtIn(t.lang);
  const rows = lines.map(
    (l): LedgerRowView => ({
      id: l.id,
      student: l.userName || t('instructor.grades.user', { sub: l.userSub }),
      column: l.itemLabel,
      status: t(l.status === 'sent' ? 'instructor.grades.statusSent' : l.status === 'failed' ? 'instructor.grades.statusFailed' : 'instructor.grades.statusWaiting'),
      statusClass: `status-${l.status}`,
      wanted: l.wantedScore === null ? t('grades.noGradeInLms') : `${fmt(l.wantedScore)} / ${fmt(l.scoreMaximum)}`,
      lastSent: l.sentScore === null ? '—' : `${fmt(l.sentScore)} / ${fmt(l.scoreMaximum)}`,
      sentAt: l.sentAt === null ? t('instructor.never') : formatDateTime(t, l.sentAt, { seconds: true }),
      reason: l.status === 'failed' ? l.reasonText : l.status === 'pending' && l.attempts > 0 ? t('instructor.grades.retrying', { attempts: l.attempts }) : '',
      canResend: l.status !== 'pending',
    }),
  );
  return {
    rows,
    counts: {
      sent: lines.filter((l) => l.status === 'sent').length,
      pending: lines.filter((l) => l.status === 'pending').length,
      failed: lines.filter((l) => l.status === 'failed').length,
    },
    csrf,
    policy: { policy: policy.policy, perObjective: policy.perObjective, perActivity: policy.perActivity, activityGrade: policy.activityGrade, scoreMaximum: policy.scoreMaximum },
    activityGrades: ACTIVITY_GRADES,
    language: languageFor(policy.language),
    languages: LANGUAGES,
    notice,
    finalisedOn: policy.finalisedAt === null || policy.finalisedAt === undefined ? null : t('finalGrades.finalisedOn', { date: formatDate(t, policy.finalisedAt) }),
  };
}
