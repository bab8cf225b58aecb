/**
 * Presenters of the authoring pages (views/instructor/author/*): the draft shaped for forms, field errors beside
 * their fields, the prerequisite graph as levels, and "preview as student" through the student's own rendering.
 */
import type { Issue } from '../../domain/errors.js';
import type { Translate } from '../../i18n/index.js';
import { render } from '../../i18n/index.js';
import { CHOICE_FIELDS, itemOf, type ChangedKey, type DraftFile, type OpenDraft } from '../../services/authorCourse.js';
import { renderInline, renderMarkdown } from '../markdown.js';
import { inputOf } from './student.js';

type Obj = DraftFile['objectives'][number];
type DraftItem = DraftFile['items'][number];

/** A form's problems: by field, and in order for the summary at the top. */
export interface FormErrors {
  byField: Record<string, string>;
  list: { field: string; message: string }[];
}

/** Field errors of a refused form, in the reader's language. */
export function formErrors(issues: readonly Issue[], t: Translate): FormErrors {
  const list = issues.map((i) => ({ field: i.path, message: i.said ? render(t, i.said) : i.message }));
  const byField: Record<string, string> = {};
  for (const e of list) byField[e.field] ??= e.message;
  return { byField, list };
}
export const noErrors = (): FormErrors => ({ byField: {}, list: [] });

const enc = encodeURIComponent;
const excerpt = (s: string, n = 90) => {
  const flat = s.replace(/```[\s\S]*?```/g, ' ').replace(/[#*_`>$\\]/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

/** What the prerequisite graph needs of an objective (`prerequisites` name other objectives' `key`). */
export type GraphNode = Pick<Obj, 'key' | 'title' | 'prerequisites'>;

/** Objectives in levels: level 1 needs nothing, level n needs something of level n-1 (the prerequisite graph). */
export function levelsOf<T extends GraphNode>(objectives: readonly T[]): T[][] {
  const level = new Map<string, number>();
  const byKey = new Map(objectives.map((o) => [o.key, o]));
  const depth = (o: T, seen: Set<string>): number => {
    const known = level.get(o.key);
    if (known !== undefined) return known;
    if (seen.has(o.key)) return 0;
    seen.add(o.key);
    const d = Math.max(0, ...o.prerequisites.map((p) => (byKey.has(p) ? depth(byKey.get(p) as T, seen) + 1 : 0)));
    level.set(o.key, d);
    return d;
  };
  const out: T[][] = [];
  for (const o of objectives) (out[depth(o, new Set())] ??= []).push(o);
  return out.filter(Boolean);
}

const escXml = (x: string) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The prerequisite graph as an SVG picture: one column per level, an arrow from each prerequisite to what needs it.
 * Decorative for assistive technology (the level list beside it says the same in words). Built here from escaped
 * text only; no style attributes (CSP).
 */
export function graphSvg(levels: readonly GraphNode[][]): string | null {
  if (levels.length === 0) return null;
  const W = 190;
  const H = 46;
  const GX = 70;
  const GY = 18;
  const pos = new Map<string, { x: number; y: number }>();
  levels.forEach((objs, c) => objs.forEach((o, r) => pos.set(o.key, { x: 10 + c * (W + GX), y: 10 + r * (H + GY) })));
  const width = 20 + levels.length * W + (levels.length - 1) * GX;
  const height = 20 + Math.max(...levels.map((l) => l.length)) * (H + GY) - GY;
  const out: string[] = [];
  for (const o of levels.flat()) {
    const to = pos.get(o.key) as { x: number; y: number };
    for (const p of o.prerequisites) {
      const from = pos.get(p);
      if (!from) continue;
      out.push(`<path d="M${from.x + W},${from.y + H / 2} C${from.x + W + GX / 2},${from.y + H / 2} ${to.x - GX / 2},${to.y + H / 2} ${to.x - 4},${to.y + H / 2}" fill="none" stroke="currentColor" stroke-width="1.5" marker-end="url(#graph-arrow)"/>`);
    }
  }
  for (const o of levels.flat()) {
    const { x, y } = pos.get(o.key) as { x: number; y: number };
    const label = o.title.length > 24 ? `${o.title.slice(0, 23)}…` : o.title;
    out.push(`<g><title>${escXml(o.title)}</title><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6" fill="#eef3fb" stroke="#3b6fc4" stroke-width="1.5"/><text x="${x + W / 2}" y="${y + H / 2}" text-anchor="middle" dominant-baseline="middle" font-size="14" fill="#1a1a1a">${escXml(label)}</text></g>`);
  }
  const marker = '<defs><marker id="graph-arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="currentColor"/></marker></defs>';
  return `<svg xmlns="http://www.w3.org/2000/svg" class="graph-svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-hidden="true" focusable="false">${marker}${out.join('')}</svg>`;
}

/** What views/instructor/author/overview.ejs shows. */
export function presentOverview(d: OpenDraft, csrf: string, notice: string | null, t: Translate, errors: FormErrors = noErrors(), values?: Record<string, string>) {
  const f = d.file;
  const title = (k: string) => f.objectives.find((o) => o.key === k)?.title ?? k;
  const dependents = (k: string) => f.objectives.filter((o) => o.prerequisites.includes(k)).map((o) => o.title);
  return {
    csrf,
    notice,
    errors,
    course: {
      title: values?.title ?? f.course.title,
      description: values?.description ?? f.course.description,
      checkTimeLimitMinutes: values?.checkTimeLimitMinutes ?? (f.course.checkTimeLimitMinutes ? String(f.course.checkTimeLimitMinutes) : ''),
    },
    status: d.unpublished ? t('authoring.status.unpublished') : d.published ? t('authoring.status.published') : t('authoring.status.empty'),
    canPublish: d.unpublished && f.objectives.length > 0,
    canDiscard: d.unpublished && d.published,
    graphSvg: graphSvg(levelsOf(f.objectives)),
    levels: levelsOf(f.objectives).map((objs, i) => ({
      label: t('authoring.graph.level', { n: i + 1 }),
      objectives: objs.map((o) => ({
        key: o.key,
        title: o.title,
        editHref: `/instructor/author/objectives/${enc(o.key)}`,
        previewHref: `/instructor/author/preview/${enc(o.key)}`,
        needs: o.prerequisites.map(title),
        leadsTo: dependents(o.key),
        items: f.items.filter((it) => it.objective === o.key).length,
        pages: f.content.filter((c) => c.objective === o.key).length,
      })),
    })),
  };
}

const KIND_KEYS = { mc_single: 'authoring.kind.mc_single', mc_multi: 'authoring.kind.mc_multi', numeric: 'authoring.kind.numeric', fraction: 'authoring.kind.fraction', short: 'authoring.kind.short' } as const;
const PAGE_KIND_KEYS = { lesson: 'authoring.pageKind.lesson', reteach: 'authoring.pageKind.reteach', enrichment: 'authoring.pageKind.enrichment' } as const;

/** What views/instructor/author/objective.ejs shows (new when `key` is null). */
export function presentObjectiveForm(
  d: OpenDraft,
  key: string | null,
  csrf: string,
  t: Translate,
  errors: FormErrors = noErrors(),
  posted?: Record<string, unknown>,
  notice: string | null = null,
) {
  const f = d.file;
  const o = key === null ? undefined : f.objectives.find((x) => x.key === key);
  const val = (name: string, fallback: string) => (posted && typeof posted[name] === 'string' ? (posted[name] as string) : fallback);
  const postedPrereqs = posted ? ([] as unknown[]).concat(posted.prerequisites ?? []).filter((x): x is string => typeof x === 'string') : undefined;
  const prereqs = new Set(postedPrereqs ?? o?.prerequisites ?? []);
  const pct = (x: number | undefined) => (x === undefined ? '' : String(Math.round(x * 1000) / 10));
  return {
    csrf,
    notice,
    errors,
    isNew: o === undefined,
    action: o ? `/instructor/author/objectives/${enc(o.key)}` : '/instructor/author/objectives',
    deleteAction: o ? `/instructor/author/objectives/${enc(o.key)}/delete` : null,
    previewHref: o ? `/instructor/author/preview/${enc(o.key)}` : null,
    values: {
      key: val('key', o?.key ?? ''),
      title: val('title', o?.title ?? ''),
      description: val('description', o?.description ?? ''),
      prior: val('prior', pct(o?.mastery?.prior)),
      learn: val('learn', pct(o?.mastery?.learn)),
    },
    prerequisites: f.objectives.filter((x) => x.key !== key).map((x) => ({ key: x.key, title: x.title, checked: prereqs.has(x.key) })),
    items: o
      ? f.items
          .filter((it) => it.objective === o.key)
          .map((it) => ({ key: it.key, kind: t(KIND_KEYS[it.kind]), excerpt: excerpt(it.prompt), editHref: `/instructor/author/items/${enc(it.key)}`, deleteAction: `/instructor/author/items/${enc(it.key)}/delete` }))
      : [],
    pages: o
      ? f.content
          .filter((c) => c.objective === o.key)
          .map((c) => ({ key: c.key, kind: t(PAGE_KIND_KEYS[c.kind]), title: c.title, editHref: `/instructor/author/pages/${enc(c.key)}`, deleteAction: `/instructor/author/pages/${enc(c.key)}/delete` }))
      : [],
    newItemHref: o ? `/instructor/author/items/new?objective=${enc(o.key)}` : null,
    newPageHref: o ? `/instructor/author/pages/new?objective=${enc(o.key)}` : null,
  };
}

const fractionText = (a: { numerator: number; denominator: number }) => (a.denominator === 1 ? String(a.numerator) : `${a.numerator}/${a.denominator}`);

/** What views/instructor/author/item.ejs shows (new when `key` is null). */
export function presentItemForm(d: OpenDraft, key: string | null, objective: string | null, csrf: string, t: Translate, errors: FormErrors = noErrors(), posted?: Record<string, unknown>) {
  const f = d.file;
  const it: DraftItem | undefined = key === null ? undefined : f.items.find((x) => x.key === key);
  const s = (name: string, fallback: string) => (posted ? (typeof posted[name] === 'string' ? (posted[name] as string) : '') : fallback);
  const kind = s('kind', it?.kind ?? 'mc_single');
  const choices = it && (it.kind === 'mc_single' || it.kind === 'mc_multi') ? it.choices : [];
  const rightKeys = it && (it.kind === 'mc_single' || it.kind === 'mc_multi') ? it.answer : [];
  const postedRight = posted ? ([] as unknown[]).concat(posted.right ?? []).map(String) : undefined;
  const objectiveKey = s('objective', it?.objective ?? objective ?? f.objectives[0]?.key ?? '');
  return {
    csrf,
    errors,
    isNew: it === undefined,
    action: it ? `/instructor/author/items/${enc(it.key)}` : '/instructor/author/items',
    backHref: objectiveKey ? `/instructor/author/objectives/${enc(objectiveKey)}` : '/instructor/author',
    kinds: (Object.keys(KIND_KEYS) as (keyof typeof KIND_KEYS)[]).map((k) => ({ value: k, label: t(KIND_KEYS[k]), selected: k === kind })),
    kind,
    objectives: f.objectives.map((o) => ({ value: o.key, label: o.title, selected: o.key === objectiveKey })),
    values: {
      key: s('key', it?.key ?? ''),
      prompt: s('prompt', it?.prompt ?? ''),
      value: s('value', it?.kind === 'numeric' ? String(it.answer.value) : ''),
      tolerance: s('tolerance', it?.kind === 'numeric' ? String(it.answer.tolerance) : ''),
      fraction: s('fraction', it?.kind === 'fraction' ? fractionText(it.answer) : ''),
      simplest: posted ? posted.simplest === '1' : it?.kind === 'fraction' && it.answer.simplest,
      accepted: s('accepted', it?.kind === 'short' ? it.answer.accepted.join('\n') : ''),
      caseSensitive: posted ? posted.caseSensitive === '1' : it?.kind === 'short' && it.answer.caseSensitive,
      feedbackCorrect: s('feedbackCorrect', it?.feedback.correct ?? ''),
      feedbackIncorrect: s('feedbackIncorrect', it?.feedback.incorrect ?? ''),
      hint: s('hint', it?.hint ?? ''),
    },
    choices: Array.from({ length: CHOICE_FIELDS }, (_, i) => {
      const k = String.fromCharCode(97 + i);
      const c = choices.find((x) => x.key === k);
      return { index: i, text: s(`choice${i}`, c?.text ?? ''), right: postedRight ? postedRight.includes(String(i)) : rightKeys.includes(k) };
    }),
  };
}

/** What views/instructor/author/page.ejs shows. */
export function presentPageForm(d: OpenDraft, key: string | null, objective: string | null, csrf: string, t: Translate, errors: FormErrors = noErrors(), posted?: Record<string, unknown>) {
  const f = d.file;
  const c = key === null ? undefined : f.content.find((x) => x.key === key);
  const s = (name: string, fallback: string) => (posted ? (typeof posted[name] === 'string' ? (posted[name] as string) : '') : fallback);
  const kind = s('kind', c?.kind ?? 'lesson');
  const objectiveKey = s('objective', c?.objective ?? objective ?? f.objectives[0]?.key ?? '');
  return {
    csrf,
    errors,
    isNew: c === undefined,
    action: c ? `/instructor/author/pages/${enc(c.key)}` : '/instructor/author/pages',
    backHref: objectiveKey ? `/instructor/author/objectives/${enc(objectiveKey)}` : '/instructor/author',
    kinds: (Object.keys(PAGE_KIND_KEYS) as (keyof typeof PAGE_KIND_KEYS)[]).map((k) => ({ value: k, label: t(PAGE_KIND_KEYS[k]), selected: k === kind })),
    objectives: f.objectives.map((o) => ({ value: o.key, label: o.title, selected: o.key === objectiveKey })),
    values: { key: s('key', c?.key ?? ''), title: s('title', c?.title ?? ''), body: s('body', c?.body ?? '') },
    previewHtml: posted ? null : c ? renderMarkdown(c.body) : null,
  };
}

/** "Preview as student": an objective's lesson and one of its draft questions, rendered as students see them. */
export function presentPreview(
  d: OpenDraft,
  objectiveKey: string,
  index: number,
  csrf: string,
  t: Translate,
  result?: { correct: boolean; feedback: string; generic: string },
) {
  const f = d.file;
  const o = f.objectives.find((x) => x.key === objectiveKey);
  if (!o) return null;
  const items = f.items.filter((it) => it.objective === o.key);
  const it = items[index];
  const pages = (kind: string) => f.content.filter((c) => c.objective === o.key && c.kind === kind).map((c) => ({ title: c.title, html: renderMarkdown(c.body) }));
  const base = `/instructor/author/preview/${enc(o.key)}`;
  return {
    csrf,
    title: o.title,
    backHref: `/instructor/author/objectives/${enc(o.key)}`,
    lesson: index === 0 && !result ? pages('lesson') : [],
    reteach: pages('reteach'),
    enrichment: pages('enrichment'),
    count: items.length,
    number: index + 1,
    item: it
      ? {
          key: it.key,
          promptHtml: renderMarkdown(it.prompt),
          input: inputOf(it.kind),
          choices: (itemOf(it).kind === 'single_choice' || itemOf(it).kind === 'multiple_choice') && 'choices' in it ? it.choices.map((c) => ({ id: c.key, html: renderInline(c.text) })) : [],
          phaseLabel: t('authoring.preview.question', { number: index + 1, count: items.length }),
        }
      : null,
    action: `${base}/check`,
    result: result ? { ...result, feedbackHtml: result.feedback ? renderInline(result.feedback) : null } : null,
    nextHref: index + 1 < items.length ? `${base}?item=${index + 1}` : null,
    againHref: `${base}?item=${index}`,
  };
}

/** The page asking what to do with past answers when answer keys changed. */
export function presentDecision(changed: readonly ChangedKey[], csrf: string, t: Translate) {
  return {
    csrf,
    items: changed.map((c) => ({ key: c.key, excerpt: excerpt(c.prompt), line: t('authoring.publish.changedLine', { answers: c.answers, count: c.wouldChange }) })),
  };
}
