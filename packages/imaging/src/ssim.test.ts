import { ssim, type LumaImage } from './ssim';

function image(width: number, height: number, pixel: (x: number, y: number) => number): LumaImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = Math.max(0, Math.min(255, pixel(x, y)));
  return { data, width, height };
}

const texture = (x: number, y: number) => 128 + 60 * Math.sin(x / 3) * Math.cos(y / 5) + ((x * 7919 + y * 104729) % 23);

describe('ssim', () => {
  it('is 1 for identical images', () => {
    const a = image(64, 48, texture);
    expect(ssim(a, a)).toBeCloseTo(1, 10);
  });

  it('falls as noise grows, and stays within (0, 1]', () => {
    const a = image(96, 96, texture);
    const noisy = (amount: number) => image(96, 96, (x, y) => texture(x, y) + (((x * 31 + y * 17) % 7) - 3) * amount);
    const light = ssim(a, noisy(1));
    const heavy = ssim(a, noisy(8));
    expect(light).toBeLessThan(1);
    expect(heavy).toBeLessThan(light);
    expect(heavy).toBeGreaterThan(0);
  });

  it('sees lost structure (a blur) even when the mean brightness is unchanged', () => {
    const a = image(64, 64, texture);
    const flat = image(64, 64, () => 128);
    expect(ssim(a, flat)).toBeLessThan(0.3);
  });

  it('is symmetric', () => {
    const a = image(40, 30, texture);
    const b = image(40, 30, (x, y) => texture(x, y) * 0.9 + 10);
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
  });

  it('handles images smaller than a window', () => {
    const a = image(5, 3, texture);
    expect(ssim(a, a)).toBeCloseTo(1, 10);
  });

  it('refuses different sizes', () => {
    expect(() => ssim(image(8, 8, texture), image(8, 9, texture))).toThrow(RangeError);
  });
});
