import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../../src/i18n/format.js';
import { translator } from '../../src/i18n/index.js';
import { timeZoneOf } from '../../src/domain/timeZone.js';

const at = Date.UTC(2026, 2, 1, 13, 5, 9); // 1 March 2026, 13:05:09 UTC

describe('times and numbers for a reader (src/i18n/format.ts)', () => {
  it('shows a time in UTC, named, while the zone is unknown (English and Spanish)', () => {
    expect(formatDateTime(translator('en'), at)).toBe('Mar 1, 2026, 1:05 PM UTC');
    expect(formatDateTime(translator('es'), at)).toBe('1 mar 2026, 13:05 UTC');
    expect(formatDateTime(translator('en'), at, { seconds: true })).toBe('Mar 1, 2026, 1:05:09 PM UTC');
  });

  it('shows a time in the reader’s zone, with the zone named', () => {
    expect(formatDateTime(translator('en', 'America/Mexico_City'), at)).toBe('Mar 1, 2026, 7:05 AM CST');
    expect(formatDateTime(translator('es', 'America/Mexico_City'), at)).toBe('1 mar 2026, 7:05 GMT-6');
    expect(formatDateTime(translator('en', 'Asia/Kolkata'), at)).toBe('Mar 1, 2026, 6:35 PM GMT+5:30');
    expect(formatDateTime(translator('es', 'Asia/Kolkata'), at, { seconds: true })).toBe('1 mar 2026, 18:35:09 GMT+5:30');
  });

  it('follows daylight saving time: the offset and its name change with the date', () => {
    const summer = Date.UTC(2026, 6, 1, 13, 5);
    expect(formatDateTime(translator('en', 'America/New_York'), at)).toBe('Mar 1, 2026, 8:05 AM EST');
    expect(formatDateTime(translator('en', 'America/New_York'), summer)).toBe('Jul 1, 2026, 9:05 AM EDT');
    expect(formatDateTime(translator('es', 'Europe/Madrid'), at)).toBe('1 mar 2026, 14:05 CET');
    expect(formatDateTime(translator('es', 'Europe/Madrid'), summer)).toBe('1 jul 2026, 15:05 CEST');
    // The night the clocks go forward in Madrid (29 March 2026, 01:00 UTC): 01:59 CET is followed by 03:00 CEST.
    expect(formatDateTime(translator('en', 'Europe/Madrid'), Date.UTC(2026, 2, 29, 0, 59))).toBe('Mar 29, 2026, 1:59 AM GMT+1');
    expect(formatDateTime(translator('en', 'Europe/Madrid'), Date.UTC(2026, 2, 29, 1, 0))).toBe('Mar 29, 2026, 3:00 AM GMT+2');
  });

  it('gives the reader’s calendar date, which can differ from UTC’s', () => {
    const lateUtc = Date.UTC(2026, 2, 1, 23, 30);
    expect(formatDate(translator('en'), lateUtc)).toBe('1 Mar 2026');
    expect(formatDate(translator('en', 'Asia/Kolkata'), lateUtc)).toBe('2 Mar 2026');
    expect(formatDate(translator('es', 'America/Mexico_City'), Date.UTC(2026, 2, 2, 3))).toBe('1 mar 2026');
  });

  it('writes numbers and percentages the reader’s way', () => {
    expect(formatNumber(translator('en'), 1234.5)).toBe('1,234.5');
    expect(formatNumber(translator('es'), 12345.5)).toBe('12.345,5');
    expect(formatNumber(translator('es'), 12.5, { grouping: false, minFractionDigits: 2 })).toBe('12,50');
    expect(formatNumber(translator('en'), 0.125, { minFractionDigits: 2, maxFractionDigits: 2, signed: true })).toBe('+0.13');
    expect(formatPercent(translator('en'), 0.97)).toBe('97%');
    expect(formatPercent(translator('es'), 0.97)).toBe('97\u00a0%');
  });

  it('accepts only real IANA zones', () => {
    expect(timeZoneOf('America/Mexico_City')).toBe('America/Mexico_City');
    expect(timeZoneOf('UTC')).toBe('UTC');
    for (const bad of ['Mars/Olympus_Mons', '+05:30', 'GMT+5:30', '$Person.address.timezone', '', ' UTC', 'America/New York', 'x'.repeat(70), 42, null, undefined, ['UTC']]) {
      expect(timeZoneOf(bad), String(bad)).toBeUndefined();
    }
  });
});
