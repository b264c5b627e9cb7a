import { variantWidthsFor } from './variants';

describe('variantWidthsFor', () => {
  const defaults = [320, 480, 960, 1440];

  it('adds 2× widths the output allows, narrowest first, for a 2000 px output', () => {
    expect(variantWidthsFor(defaults, 2000)).toEqual([320, 480, 640, 960, 1440, 1920]);
  });

  it('never enlarges: an 800 px output gets only narrower variants', () => {
    expect(variantWidthsFor(defaults, 800)).toEqual([320, 480, 640]);
  });

  it('gives none for outputs narrower than the smallest width, or without widths', () => {
    expect(variantWidthsFor(defaults, 320)).toEqual([]);
    expect(variantWidthsFor([], 2000)).toEqual([]);
  });
});
