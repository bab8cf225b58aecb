/**
 * Privacy pages and files: a student's export (JSON and CSV), the erasure confirmation, the audit log (page and CSV)
 * and the administrator's search. The CLI (src/cli/privacy.ts) writes the same files.
 */
import { render, translator, type MessageKey, type Translate } from '../../i18n/index.js';
import type { AuditRecord, PersonMatch, PersonRecord } from '../../services/privacyPorts.js';
import type { ErasurePreview, ErasureReport } from '../../services/studentPrivacy.js';
import type { RetentionReport } from '../../services/purgeInactiveCourses.js';

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

/** The export as a JSON document (dates ISO 8601, explanations in the reader's language). */
export function exportJson(r: PersonRecord, t: Translate = translator(), now: number = Date.now()) {
  return {
    format: 'masterly-student-export/1',
    exportedAt: iso(now),
    person: {
      userId: r.userId,
      lmsUserId: r.sub,
      platform: r.platform,
      name: r.name,
      givenName: r.givenName,
      familyName: r.familyName,
      email: r.email,
      updatedAt: iso(r.updatedAt),
    },
    courses: r.courses.map((c) => ({
      courseId: c.contextId,
      lmsCourseId: c.lmsContextId,
      title: c.title,
      roles: c.roles,
      lastLaunchAt: iso(c.lastLaunchAt),
      accommodations: c.accommodations ? { ...c.accommodations, updatedAt: iso(c.accommodations.updatedAt) } : null,
      mastery: c.mastery.map((m) => ({ ...m, updatedAt: iso(m.updatedAt) })),
      masteryHistory: c.masteryHistory.map((h) => ({ ...h, at: iso(h.at), message: render(t, h.message) })),
      responses: c.responses.map((x) => ({ ...x, at: iso(x.at) })),
      gradesSent: c.grades.map((g) => ({ ...g, sentAt: iso(g.sentAt), eventAt: iso(g.eventAt) })),
      roster: c.roster,
      goal: c.goal ? { ...c.goal, setAt: iso(c.goal.setAt) } : null,
      checkConfidence: c.checkConfidence.map((x) => ({ ...x, checkStartedAt: iso(x.checkStartedAt), at: iso(x.at) })),
    })),
  };
}

/** A CSV field: quoted when needed, and a leading =, +, - or @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csv = (header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string =>
  [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';

const EXPORT_COLUMNS = ['section', 'course', 'at', 'objective', 'item', 'answer', 'correct', 'state', 'value', 'detail'] as const;

/** The export as one CSV: a `section` column (profile, enrollment, accommodations, mastery, history, response, grade, roster, goal, confidence). */
export function exportCsv(r: PersonRecord, t: Translate = translator()): string {
  type Row = [string, string, string, string, string, string, string, string, string | number, string];
  const rows: Row[] = [
    ['profile', '', iso(r.updatedAt), '', '', '', '', '', r.userId, `platform=${r.platform.name}; lms user id=${r.sub}`],
    ['profile', '', '', '', '', '', '', '', r.name ?? '', 'name'],
    ['profile', '', '', '', '', '', '', '', [r.givenName, r.familyName].filter(Boolean).join(' '), 'given and family name'],
    ['profile', '', '', '', '', '', '', '', r.email ?? '', 'email'],
  ];
  for (const c of r.courses) {
    const course = c.title ?? c.contextId;
    rows.push(['enrollment', course, iso(c.lastLaunchAt), '', '', '', '', '', c.roles.join(' '), `course id=${c.lmsContextId}`]);
    if (c.accommodations) {
      const a = c.accommodations;
      rows.push(['accommodations', course, iso(a.updatedAt), '', '', '', '', '', '', `threshold offset=${a.thresholdOffset}; extra cycles=${a.extraCycles}; extra tries=${a.extraOpportunities}; time multiplier=${a.timeMultiplier}`]);
    }
    for (const m of c.mastery) rows.push(['mastery', course, iso(m.updatedAt), m.objective, '', '', '', m.state, m.p, `answers=${m.responses}; check cycles=${m.cycles}`]);
    for (const h of c.masteryHistory) rows.push(['history', course, iso(h.at), h.objective, '', '', '', h.to ?? '', h.from ?? '', render(t, h.message)]);
    for (const x of c.responses) {
      rows.push(['response', course, iso(x.at), x.objective ?? '', x.item ?? '', x.answer ?? '', x.correct === null ? '' : String(x.correct), x.phase ?? '', x.type, '']);
    }
    for (const g of c.grades) rows.push(['grade', course, iso(g.sentAt ?? g.eventAt), g.lineItem, '', '', '', g.status, `${g.sentScore ?? g.scoreGiven}/${g.scoreMaximum}`, g.comment]);
    for (const m of c.roster) rows.push(['roster', course, '', '', '', '', '', m.status, m.role, [m.name, m.email].filter(Boolean).join(' ')]);
    if (c.goal) rows.push(['goal', course, iso(c.goal.setAt), c.goal.objective, '', '', '', '', c.goal.targetDate, 'target date']);
    for (const x of c.checkConfidence) rows.push(['confidence', course, iso(x.at), x.objective, '', '', '', '', x.confidence, `check started ${iso(x.checkStartedAt)}`]);
  }
  return csv(EXPORT_COLUMNS, rows);
}

/** One audit row as the pages and the CSV show it. */
export interface AuditLine {
  id: number;
  when: string;
  who: string;
  course: string;
  action: string;
  student: string;
  details: string;
}

/** Audit records in words (who, what, which student); details as `key=value` facts. */
export function auditLines(records: readonly AuditRecord[], t: Translate = translator(), at: (ms: number) => string = iso): AuditLine[] {
  return records.map((r) => ({
    id: r.id,
    when: at(r.at),
    who: r.actorKind === 'instructor' ? (r.actorName ?? t('privacy.audit.erasedPerson')) : t(`privacy.audit.actor.${r.actorKind}` as MessageKey),
    course: r.contextId ? (r.contextTitle ?? r.contextId) : '',
    action: t(`privacy.audit.action.${r.action}` as MessageKey),
    student: r.subjectErased ? t('privacy.audit.erasedPerson') : (r.subjectName ?? ''),
    details: Object.entries(r.details)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('; '),
  }));
}

/** The audit log as CSV. */
export function auditCsv(records: readonly AuditRecord[], t: Translate = translator()): string {
  return csv(
    ['id', 'when', 'who', 'course', 'action', 'student', 'details'],
    auditLines(records, t).map((l) => [l.id, l.when, l.who, l.course, l.action, l.student, l.details]),
  );
}

/** What the erasure confirmation lists: each kind of data that goes, with its count, in words. */
export function erasureItems(p: ErasurePreview, t: Translate): string[] {
  const items = [
    t('privacy.erase.items.responses', { count: p.responses }),
    t('privacy.erase.items.mastery', { count: p.masteryRows + p.explanations }),
    t('privacy.erase.items.grades', { count: p.gradeRows }),
    t('privacy.erase.items.accommodations', { count: p.accommodations }),
    t('privacy.erase.items.roster', { count: p.rosterRows }),
    t('privacy.erase.items.sessions'),
  ];
  if (p.profileGoes) items.push(t('privacy.erase.items.profile'));
  return items;
}

/** The notice after an erasure (it travels in a URL: no name). */
export const erasureNotice = (r: ErasureReport, t: Translate): string =>
  t('privacy.erase.done', { receipt: r.receipt }) + (r.gradesInLms ? ` ${t('privacy.erase.lmsKeeps', { count: r.gradesInLms })}` : '');

/** A person found by the administrator's search. */
export const presentMatches = (matches: readonly PersonMatch[]) =>
  matches.map((m) => ({
    userId: m.userId,
    name: m.name ?? '',
    email: m.email ?? '',
    sub: m.sub,
    platform: m.platformName,
    courses: m.courses.map((c) => c.title ?? c.contextId).join(', '),
  }));

/** A retention report in lines (CLI and log). */
export const retentionLines = (r: RetentionReport): string[] =>
  r.courses.map(
    (c) =>
      `${r.dryRun ? 'would purge' : 'purged'} ${c.contextId} "${c.title ?? ''}" (last activity ${iso(c.lastActivityAt)}): ${c.people} people` +
      (r.dryRun ? '' : `, ${c.profilesRemoved} profiles removed, ${c.rosterMembers} roster members; rows ${JSON.stringify(c.counts)}`),
  );
