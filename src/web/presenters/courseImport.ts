import { render, type Translate } from '../../i18n/index.js';
import { FORMATS } from '../../services/courseFormats/index.js';
import type { StagedImport } from '../../services/courseImport.js';

/** Report rows shown per page at most (imported ones; every skipped question is always listed). */
const MAX_IMPORTED_ROWS = 500;

const formatName = (t: Translate, f: string) => t(`interop.formats.${f}` as 'interop.formats.moodle');

const statusText = (t: Translate, s: Omit<StagedImport, 'draft' | 'report'>) =>
  s.status === 'committed'
    ? t('interop.status.committed')
    : s.status === 'failed'
      ? t('interop.status.failed')
      : s.status === 'ready'
        ? t('interop.status.ready')
        : t('interop.status.working');

/** The import page: upload form, recent imports and downloads. */
export function presentImportHome(recent: Omit<StagedImport, 'draft' | 'report'>[], hasCourse: boolean, csrf: string, t: Translate) {
  return {
    csrf,
    hasCourse,
    formats: FORMATS.map((f) => ({ value: f, label: formatName(t, f) })),
    recent: recent.map((r) => ({ href: `/instructor/import/${r.id}`, filename: r.filename, format: formatName(t, r.format), status: statusText(t, r) })),
  };
}

/** One staged import: progress while working, else the per-question report and the objective grouping form. */
export function presentStagedImport(s: StagedImport, hasCourse: boolean, csrf: string, t: Translate) {
  const working = s.status === 'reading' || s.status === 'committing';
  const imported = s.report.filter((r) => r.status === 'imported');
  const skipped = s.report.filter((r) => r.status === 'skipped');
  const draft = s.draft;
  const titleOf = new Map(draft ? draft.objectives.map((o) => [o.key, o.title]) : Object.entries(s.outcome?.titles ?? {}));
  const count = new Map<string, number>();
  for (const it of draft?.items ?? []) count.set(it.objective, (count.get(it.objective) ?? 0) + 1);
  const summary = s.outcome?.summary;
  return {
    csrf,
    id: s.id,
    filename: s.filename,
    format: formatName(t, s.format),
    status: s.status,
    working,
    progress:
      s.status === 'reading'
        ? t('interop.progress.reading', { count: s.progress })
        : s.status === 'committing'
          ? t('interop.progress.committing', { count: imported.length })
          : null,
    ready: s.status === 'ready' || s.status === 'failed',
    committed: s.status === 'committed',
    failed: s.status === 'failed' ? (s.outcome?.error ? render(t, s.outcome.error) : t('interop.commitFailed')) : null,
    result: summary
      ? t('interop.result', {
          objectives: summary.objectives.created + summary.objectives.updated,
          items: summary.items.created + summary.items.updated,
          created: summary.items.created,
          updated: summary.items.updated,
        })
      : null,
    totals: s.status === 'committed' ? null : t('interop.totals', { imported: imported.length, skipped: skipped.length, objectives: draft?.objectives.length ?? 0 }),
    hasCourse,
    objectives: (draft?.objectives ?? []).map((o, i) => ({
      n: i,
      key: o.key,
      title: o.title,
      count: t('interop.questionCount', { count: count.get(o.key) ?? 0 }),
      others: (draft?.objectives ?? []).filter((x) => x.key !== o.key).map((x) => ({ key: x.key, title: x.title })),
    })),
    skipped: skipped.map((r) => ({ n: r.n, name: r.name, why: r.reason ? render(t, r.reason) : '' })),
    imported: imported.slice(0, MAX_IMPORTED_ROWS).map((r) => ({ n: r.n, name: r.name, objective: (r.objective && titleOf.get(r.objective)) || '' })),
    moreImported: imported.length > MAX_IMPORTED_ROWS ? t('interop.moreImported', { count: imported.length - MAX_IMPORTED_ROWS }) : null,
  };
}
