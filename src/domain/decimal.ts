/**
 * Numbers typed into forms, read as documented: plain decimal notation only. `Number()` alone would also take
 * hexadecimal (`0x10`), binary, octal, exponents (`1e3`), `Infinity` and the empty string (as 0).
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** The value as a finite number when it is a number or a decimal string (`12`, `-0.05`, `12.5`); otherwise undefined. */
export function parseDecimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : undefined;
}
