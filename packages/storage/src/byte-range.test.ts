import { formatRangeHeader, validateByteRange } from './byte-range';

describe('validateByteRange', () => {
  it.each([{ start: 0 }, { start: 0, end: 0 }, { start: 5, end: 9 }, { start: 7 }])('accepts %j', (range) => {
    expect(validateByteRange(range)).toBe(range);
  });

  it.each([{ start: -1 }, { start: 1.5 }, { start: Number.NaN }, { start: 5, end: 4 }, { start: 0, end: 2.5 }])(
    'rejects %j with bad_request',
    (range) => {
      expect(() => validateByteRange(range)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    },
  );
});

describe('formatRangeHeader', () => {
  it('writes closed and open-ended ranges', () => {
    expect(formatRangeHeader({ start: 0, end: 99 })).toBe('bytes=0-99');
    expect(formatRangeHeader({ start: 100 })).toBe('bytes=100-');
  });
});
