import { isBelowRate } from './min-body-rate';

describe('isBelowRate', () => {
  const rate = { minBytesPerSecond: 8 * 1024, windowMs: 30_000 };

  it('is below the rate when fewer bytes than rate × window arrived', () => {
    expect(isBelowRate(0, 30_000, rate)).toBe(true);
    expect(isBelowRate(8 * 1024 * 30 - 1, 30_000, rate)).toBe(true);
  });

  it('is not below the rate at or above it', () => {
    expect(isBelowRate(8 * 1024 * 30, 30_000, rate)).toBe(false);
    expect(isBelowRate(10_000_000, 30_000, rate)).toBe(false);
  });

  it('scales with the elapsed time', () => {
    expect(isBelowRate(8 * 1024, 1_000, rate)).toBe(false);
    expect(isBelowRate(8 * 1024, 2_000, rate)).toBe(true);
  });
});
