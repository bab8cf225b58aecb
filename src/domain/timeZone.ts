/**
 * An IANA time zone name the runtime knows ('America/Mexico_City', 'Asia/Kolkata', 'UTC'), as given;
 * undefined for anything else (offsets, abbreviations, unexpanded LMS variables, junk). Pages show times in the
 * reader's zone; a zone comes from the browser (public/timeZone.js) or the LMS, so it is checked where it enters.
 */
export function timeZoneOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value }); // throws RangeError for a zone the runtime does not know
    return value; // as given: ICU would turn 'Asia/Kolkata' into the older 'Asia/Calcutta'
  } catch {
    return undefined;
  }
}
