/**
 * The one place pages format times and numbers for a reader: in the request's language (`t.lang`) and time zone
 * (`t.timeZone`, from the browser or the LMS; see docs/decisions/0029-reader-time-zone.md). A time always names its
 * zone ("Mar 1, 2026, 1:05 PM UTC", "1 mar 2026, 7:05 GMT-6"), so a page rendered before the zone is known (UTC)
 * is still right.
 */
import type { Translate } from './index.js';

/** What formatting needs of a translator: its language and, once known, the reader's time zone. */
export type Locale = Pick<Translate, 'lang' | 'timeZone'>;

/** The zone times are shown in while the reader's is unknown. */
export const FALLBACK_TIME_ZONE = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
/** Formatters are costly to build and few (languages × zones in use × styles): each is built once. */
function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

const zoneOf = (l: Locale): string => l.timeZone ?? FALLBACK_TIME_ZONE;

/** A moment (epoch ms) to the minute (or second), with its zone's name: "Mar 1, 2026, 7:05 AM CST". */
export function formatDateTime(l: Locale, ms: number, opts: { seconds?: boolean } = {}): string {
  const zone = zoneOf(l);
  const f = cached(`dt|${l.lang}|${zone}|${opts.seconds ? 's' : 'm'}`, () =>
    new Intl.DateTimeFormat(l.lang, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      ...(opts.seconds ? { second: '2-digit' } : {}),
      timeZoneName: 'short',
      timeZone: zone,
    }),
  );
  return f.format(ms);
}

/** The reader's calendar date of a moment: "Mar 1, 2026" (en-GB style "1 Mar 2026" for English, as grade comments). */
export function formatDate(l: Locale, ms: number): string {
  const zone = zoneOf(l);
  const f = cached(`d|${l.lang}|${zone}`, () => new Intl.DateTimeFormat(l.lang === 'en' ? 'en-GB' : l.lang, { day: 'numeric', month: 'short', year: 'numeric', timeZone: zone }));
  return f.format(ms);
}

/** A count or measure as the reader writes numbers ("1,234.5", "1234,5"). */
export function formatNumber(l: Locale, n: number, opts: { maxFractionDigits?: number; minFractionDigits?: number; grouping?: boolean; signed?: boolean } = {}): string {
  const { maxFractionDigits = 2, minFractionDigits = 0, grouping = true, signed = false } = opts;
  const f = cached(`n|${l.lang}|${maxFractionDigits}|${minFractionDigits}|${grouping ? 'g' : ''}|${signed ? 's' : ''}`, () =>
    new Intl.NumberFormat(l.lang, {
      maximumFractionDigits: maxFractionDigits,
      minimumFractionDigits: minFractionDigits,
      useGrouping: grouping,
      ...(signed ? { signDisplay: 'exceptZero' as const } : {}),
    }),
  );
  return f.format(n);
}

/** A fraction (0..1) as a whole percentage the reader's way ("97%", "97 %"). */
export function formatPercent(l: Locale, p: number): string {
  return cached(`p|${l.lang}`, () => new Intl.NumberFormat(l.lang, { style: 'percent', maximumFractionDigits: 0 })).format(p);
}
