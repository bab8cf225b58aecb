import type { EvidenceImportReport, EvidencePage } from '../../services/lmsEvidence.js';
import { render, type Translate } from '../../i18n/index.js';

/** What the evidence mapping page shows. */
export interface EvidencePageView {
  csrf: string;
  notice: string | null;
  unavailable: string | null;
  objectives: { id: string; title: string }[];
  columns: {
    id: string;
    lineItemUrl: string;
    label: string;
    points: string;
    mappedTo: string | null;
    passMark: number;
    selectedObjectiveId: string | null;
  }[];
  orphans: { lineItemUrl: string; label: string }[];
  mappedCount: number;
}

const pct = (t: number) => Math.round(t * 100);

/** Shapes the columns and mappings for the view. */
export function presentEvidencePage(p: EvidencePage, csrf: string, notice: string | null, t: Translate): EvidencePageView {
  const columns = (p.columns ?? []).map((c, i) => ({
    id: `col-${i}`,
    lineItemUrl: c.lineItemUrl,
    label: c.label || t('instructor.evidence.untitled'),
    points: t('instructor.evidence.points', { points: c.scoreMaximum }),
    mappedTo: c.map ? t('instructor.evidence.mappedTo', { objective: c.map.objectiveTitle, passMark: pct(c.map.threshold) }) : null,
    passMark: c.map ? pct(c.map.threshold) : 80,
    selectedObjectiveId: c.map?.objectiveId ?? null,
  }));
  return {
    csrf,
    notice,
    unavailable: p.unavailable === null ? null : render(t, p.unavailable),
    objectives: p.objectives,
    columns,
    orphans: p.orphans.map((o) => ({ lineItemUrl: o.lineItemUrl, label: o.label })),
    mappedCount: columns.filter((c) => c.mappedTo).length + p.orphans.length,
  };
}

/** One sentence about an import, for the notice. */
export function presentImportNotice(r: EvidenceImportReport, t: Translate): string {
  const parts = [t('instructor.evidence.imported', { count: r.added, columns: t('instructor.evidence.columnCount', { count: r.columns }) })];
  if (r.unchanged) parts.push(t('instructor.evidence.unchanged', { count: r.unchanged }));
  if (r.ungraded) parts.push(t('instructor.evidence.ungraded', { count: r.ungraded }));
  if (r.waiting) parts.push(t('instructor.evidence.waiting', { count: r.waiting }));
  for (const f of r.failedColumns) parts.push(t('instructor.evidence.couldNotRead', { label: f.label, error: render(t, f.error) }));
  return parts.join(' ');
}
