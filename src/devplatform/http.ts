import type { Request, Response } from 'express';
import type { Ctx } from './context.js';

/** Sets a Link header; Canvas sends lowercase header names, others `Link`. */
export function setLink(ctx: Ctx, res: Response, links: Array<{ url: string; rel: string }>): void {
  if (links.length === 0) return;
  res.setHeader(ctx.mode() === 'canvas' ? 'link' : 'Link', links.map((l) => `<${l.url}>; rel="${l.rel}"`).join(', '));
}

/** The absolute URL of this request with some query parameters replaced (others kept, as LMSs do). */
export function selfUrl(ctx: Ctx, req: Request, replace: Record<string, string | null>): string {
  const u = new URL(req.originalUrl, ctx.url);
  for (const [k, v] of Object.entries(replace)) {
    if (v === null) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  return `${ctx.url}${u.pathname}${u.search}`;
}

/** Reads a non-negative integer query parameter. */
export function intParam(v: unknown, fallback: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}
