import { makeAvif, makeGif, makeJpeg, makePng, makeText, makeTiff, makeWebp } from '@ingestkit/testkit';
import { sniffImageType } from './sniff';

describe('sniffImageType', () => {
  it('knows each accepted format by its first bytes, and nothing else', async () => {
    const size = { width: 16, height: 16 };
    expect(sniffImageType(await makeJpeg(size))).toBe('image/jpeg');
    expect(sniffImageType(await makePng(size))).toBe('image/png');
    expect(sniffImageType(await makeWebp(size))).toBe('image/webp');
    expect(sniffImageType(await makeGif(size))).toBe('image/gif');
    expect(sniffImageType(await makeAvif(size))).toBe('image/avif');
    expect(sniffImageType(await makeTiff(size))).toBe('image/tiff');
    expect(sniffImageType(makeText())).toBeUndefined();
    expect(sniffImageType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
  });
});
