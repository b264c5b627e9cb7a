import { encoderQuality } from './quality-scale';

describe('encoderQuality', () => {
  it('keeps the nominal value for JPEG', () => {
    expect(encoderQuality('jpeg', 75)).toBe(75);
    expect(encoderQuality('jpeg', 0)).toBe(1);
  });

  it('maps calibration points exactly and interpolates between them', () => {
    expect(encoderQuality('webp', 50)).toBe(48);
    expect(encoderQuality('avif', 75)).toBe(52);
    expect(encoderQuality('webp', 80)).toBe(83); // halfway between 79 and 86, rounded
  });

  it('is monotonic over 1–100 for every lossy format', () => {
    for (const format of ['webp', 'avif', 'jpeg'] as const) {
      let previous = 0;
      for (let q = 1; q <= 100; q++) {
        const mapped = encoderQuality(format, q);
        expect(mapped).toBeGreaterThanOrEqual(previous);
        previous = mapped;
      }
      expect(previous).toBe(100);
    }
  });
});
