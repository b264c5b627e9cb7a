import { monthKey } from './month-key';

describe('monthKey', () => {
  it('formats the UTC year and month, zero-padded', () => {
    expect(monthKey(new Date('2025-03-15T12:00:00Z'))).toBe('2025-03');
    expect(monthKey(new Date('2025-12-01T00:00:00Z'))).toBe('2025-12');
  });

  it('uses UTC at month boundaries, not the local time zone', () => {
    expect(monthKey(new Date('2025-01-31T23:59:59.999Z'))).toBe('2025-01');
    expect(monthKey(new Date('2025-02-01T00:00:00.000Z'))).toBe('2025-02');
    expect(monthKey(new Date('2025-02-01T00:30:00+01:00'))).toBe('2025-01');
  });
});
