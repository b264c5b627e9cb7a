import { allowanceHour, uploadShareOf } from './purge-allowance';

describe('uploadShareOf', () => {
  it.each([
    [1000, 20, 800],
    [4, 25, 3],
    [3, 50, 1], // 1.5 reserved rounds up: the API keeps at least its share
    [5, 0, 5],
    [5, 100, 0],
    [0, 20, 0],
    [1, 1, 0],
  ])('of %i purges with %i %% reserved leaves %i to uploads', (monthly, percent, share) => {
    expect(uploadShareOf(monthly, percent)).toBe(share);
  });

  it('never exceeds the budget nor leaves the API less than its percentage', () => {
    for (let monthly = 0; monthly <= 300; monthly += 7) {
      for (let percent = 0; percent <= 100; percent += 3) {
        const share = uploadShareOf(monthly, percent);
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(monthly);
        expect(monthly - share).toBeGreaterThanOrEqual((monthly * percent) / 100);
      }
    }
  });
});

describe('allowanceHour', () => {
  it('is the UTC hour, so every replica counts in the same window', () => {
    expect(allowanceHour(new Date('2026-12-02T00:59:59.999Z'))).toBe('2026-12-02T00');
    expect(allowanceHour(new Date('2026-12-02T01:00:00.000Z'))).toBe('2026-12-02T01');
    expect(allowanceHour(new Date('2026-12-02T02:30:00+02:00'))).toBe('2026-12-02T00');
  });
});
