/**
 * The purge budget period a moment falls in: its UTC year and month as `YYYY-MM`.
 * ImageKit's quota is monthly; UTC keeps the key the same on every host whatever its time zone.
 */
export function monthKey(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}
