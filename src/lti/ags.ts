/**
 * Assignment and Grade Services 2.0 over the service client: line items (find by resourceId/tag, create),
 * scores (with refused scores classified into plain reasons), results.
 *
 * @see https://www.imsglobal.org/spec/lti-ags/v2p0
 */
import { z } from 'zod';
import { LmsRejected } from '../domain/errors.js';
import type { AgsResult, AgsScore, LineItem, LmsCapability, ServiceContext, ServiceTarget } from '../services/servicePorts.js';
import type { ServiceClient } from './serviceClient.js';

/** AGS scope URIs. */
export const AGS_SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;

/**
 * Whether an AGS endpoint grants a capability. 'grades' needs the line items container (to find or create our
 * columns) and the lineitem and score scopes; 'scores' only the score scope (posting to a column whose URL came
 * from a launch's `lineitem` claim: Moodle's "grade sync only" grants nothing more).
 */
export function agsGrants(ags: ServiceContext['ags'], capability: LmsCapability): boolean {
  switch (capability) {
    case 'grades':
      return !!ags?.lineitems && ags.scope.includes(AGS_SCOPES.lineItem) && ags.scope.includes(AGS_SCOPES.score);
    case 'scores':
      return !!ags && ags.scope.includes(AGS_SCOPES.score);
  }
}

const LINE_ITEM = 'application/vnd.ims.lis.v2.lineitem+json';
const LINE_ITEMS = 'application/vnd.ims.lis.v2.lineitemcontainer+json';
const SCORE = 'application/vnd.ims.lis.v1.score+json';
const RESULTS = 'application/vnd.ims.lis.v2.resultcontainer+json';
const MAX_PAGES = 1000;

const LineItemSchema = z.object({
  id: z.string(),
  label: z.string().default(''),
  scoreMaximum: z.coerce.number(),
  resourceId: z.string().nullish(),
  tag: z.string().nullish(),
  resourceLinkId: z.string().nullish(),
});
const ResultSchema = z.object({
  userId: z.string().or(z.number().transform(String)),
  resultScore: z.number().nullish(),
  resultMaximum: z.number().nullish(),
  comment: z.string().nullish(),
});

const toLineItem = (raw: unknown): LineItem | undefined => {
  const p = LineItemSchema.safeParse(raw);
  if (!p.success) return undefined;
  const d = p.data;
  return {
    id: d.id,
    label: d.label,
    scoreMaximum: d.scoreMaximum,
    ...(d.resourceId ? { resourceId: d.resourceId } : {}),
    ...(d.tag ? { tag: d.tag } : {}),
    ...(d.resourceLinkId ? { resourceLinkId: d.resourceLinkId } : {}),
  };
};

/** Appends a path segment to a service URL before its query string (Moodle URLs carry `?type_id=`). */
export function appendPath(url: string, segment: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${segment}`;
  return u.toString();
}

/** Walks every page of a GET that answers a JSON array. */
async function getAllPages(client: ServiceClient, target: ServiceTarget, url: string, scopes: string[], accept: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | undefined = url;
  const seen = new Set<string>();
  while (next && !seen.has(next) && seen.size < MAX_PAGES) {
    seen.add(next);
    const res = await client.request(target, { url: next, scopes, accept });
    if (Array.isArray(res.json)) out.push(...(res.json as unknown[]));
    next = res.links.next;
  }
  return out;
}

/** Line items of a context filtered by resourceId, tag and/or resource link (all pages). */
export async function listLineItems(
  client: ServiceClient,
  target: ServiceTarget,
  lineItemsUrl: string,
  filter: { resourceId?: string; tag?: string; resourceLinkId?: string },
): Promise<LineItem[]> {
  const u = new URL(lineItemsUrl);
  if (filter.resourceId) u.searchParams.set('resource_id', filter.resourceId);
  if (filter.tag) u.searchParams.set('tag', filter.tag);
  if (filter.resourceLinkId) u.searchParams.set('resource_link_id', filter.resourceLinkId);
  const raw = await getAllPages(client, target, u.toString(), [AGS_SCOPES.lineItem], LINE_ITEMS);
  // Some platforms ignore the filters: apply them again.
  return raw
    .map(toLineItem)
    .filter((li): li is LineItem => !!li)
    .filter(
      (li) =>
        (!filter.resourceId || li.resourceId === filter.resourceId) &&
        (!filter.tag || li.tag === filter.tag) &&
        (!filter.resourceLinkId || li.resourceLinkId === filter.resourceLinkId),
    );
}

/** Creates a line item. */
export async function createLineItem(
  client: ServiceClient,
  target: ServiceTarget,
  lineItemsUrl: string,
  item: Omit<LineItem, 'id'>,
): Promise<LineItem> {
  const res = await client.request(target, {
    method: 'POST',
    url: lineItemsUrl,
    scopes: [AGS_SCOPES.lineItem],
    accept: LINE_ITEM,
    contentType: LINE_ITEM,
    body: item,
  });
  const li = toLineItem(res.json);
  if (!li) throw new LmsRejected('invalid_request', res.status, 'The LMS created the grade column but did not describe it.');
  return li;
}

/**
 * Maps a refused score to a plain reason: 404 → the column is gone; Canvas 422 → not a student;
 * Moodle 400 "Incorrect score received" → not gradable in the course; Moodle 409 ("Refusing score with an earlier
 * timestamp") or a 400 about the timestamp (Canvas) → stale: sent again with a later timestamp.
 */
export function classifyScoreRefusal(err: LmsRejected): LmsRejected {
  const msg = err.message;
  let reason = err.reason;
  if (err.status === 404) reason = 'column_deleted';
  else if (err.status === 409) reason = 'stale_timestamp';
  else if (err.status === 422) reason = 'not_a_student';
  else if (err.status === 400 && /incorrect score received/i.test(msg)) reason = 'not_enrolled';
  else if (err.status === 400 && /timestamp/i.test(msg)) reason = 'stale_timestamp';
  else if (err.status === 400 && /(not (a )?student|not enrolled|user)/i.test(msg)) reason = 'not_enrolled';
  return reason === err.reason ? err : new LmsRejected(reason, err.status, msg);
}

/** Posts one score to `<lineItem>/scores`. */
export async function postScore(client: ServiceClient, target: ServiceTarget, lineItemUrl: string, score: AgsScore): Promise<void> {
  try {
    await client.request(target, {
      method: 'POST',
      url: appendPath(lineItemUrl, 'scores'),
      scopes: [AGS_SCOPES.score],
      contentType: SCORE,
      body: score,
    });
  } catch (err) {
    if (err instanceof LmsRejected) throw classifyScoreRefusal(err);
    throw err;
  }
}

/** Every result of a line item (all pages). */
export async function listResults(client: ServiceClient, target: ServiceTarget, lineItemUrl: string): Promise<AgsResult[]> {
  const raw = await getAllPages(client, target, appendPath(lineItemUrl, 'results'), [AGS_SCOPES.resultReadonly], RESULTS);
  const out: AgsResult[] = [];
  for (const r of raw) {
    const p = ResultSchema.safeParse(r);
    if (!p.success) continue;
    out.push({
      userId: p.data.userId,
      resultScore: p.data.resultScore ?? null,
      resultMaximum: p.data.resultMaximum ?? null,
      comment: p.data.comment ?? null,
    });
  }
  return out;
}
