import { checkPartList } from './multipart-uploads';

const list = (...numbers: number[]) => numbers.map((partNumber) => ({ partNumber }));
const refusal = (parts: Array<{ partNumber: number }>) => {
  try {
    checkPartList(parts);
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
};

describe('checkPartList', () => {
  it('accepts strictly ascending part numbers, with gaps', () => {
    expect(() => checkPartList(list(1))).not.toThrow();
    expect(() => checkPartList(list(1, 2, 5, 10_000))).not.toThrow();
  });

  it.each([
    ['a duplicate', list(1, 1), 1, /more than once/],
    ['a duplicate later on', list(1, 2, 3, 3), 3, /more than once/],
    ['out of order', list(2, 1), 1, /ascending/],
    ['part 0', list(0), 0, /1 to 10000/],
    ['past 10 000', list(10_001), 10_001, /1 to 10000/],
    ['not an integer', list(1.5), 1.5, /1 to 10000/],
  ])('refuses %s with bad_request naming the part', (_name, parts, partNumber, message) => {
    expect(refusal(parts)).toMatchObject({
      code: 'bad_request',
      details: { partNumber },
      message: expect.stringMatching(message),
    });
  });

  it('refuses an empty list', () => {
    expect(refusal([])).toMatchObject({ code: 'bad_request' });
  });
});
