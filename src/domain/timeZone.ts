/**
 * An IANA time zone name as the runtime knows it ('America/Mexico_City', 'Asia/Kolkata', 'UTC'), canonicalised;
 * undefined for anything else (offsets, abbreviations, unexpanded LMS variables, junk). Pages show times in the
 * reader's zone; a zone comes from the browser (public/timeZone.js) or the LMS, so it is checked where it enters.
 */
export function timeZoneOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
