import type { EvidenceImportReport, EvidencePage } from '../../services/lmsEvidence.js';

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
export function presentEvidencePage(p: EvidencePage, csrf: string, notice: string | null): EvidencePageView {
  const columns = (p.columns ?? []).map((c, i) => ({
    id: `col-${i}`,
    lineItemUrl: c.lineItemUrl,
    label: c.label || 'Untitled column',
    points: `${c.scoreMaximum} points`,
    mappedTo: c.map ? `${c.map.objectiveTitle} (pass mark ${pct(c.map.threshold)} %)` : null,
    passMark: c.map ? pct(c.map.threshold) : 80,
    selectedObjectiveId: c.map?.objectiveId ?? null,
  }));
  return {
    csrf,
    notice,
    unavailable: p.unavailable,
    objectives: p.objectives,
    columns,
    orphans: p.orphans.map((o) => ({ lineItemUrl: o.lineItemUrl, label: o.label })),
    mappedCount: columns.filter((c) => c.mappedTo).length + p.orphans.length,
  };
}

/** One sentence about an import, for the notice. */
export function presentImportNotice(r: EvidenceImportReport): string {
  const parts = [`Imported ${r.added} new or changed grade${r.added === 1 ? '' : 's'} as evidence from ${r.columns} column${r.columns === 1 ? '' : 's'}.`];
  if (r.unchanged) parts.push(`${r.unchanged} unchanged.`);
  if (r.ungraded) parts.push(`${r.ungraded} not graded yet.`);
  if (r.waiting) parts.push(`${r.waiting} from students who have not opened Masterly yet (imported after their first visit).`);
  for (const f of r.failedColumns) parts.push(`Could not read "${f.label}": ${f.error}`);
  return parts.join(' ');
}
