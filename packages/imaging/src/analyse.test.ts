import { analysePixels } from './analyse';
import type { Pixels } from './pixels';

function filled(width: number, height: number, channels: 3 | 4, pixel: (x: number, y: number) => number[]): Pixels {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++) for (const value of pixel(x, y)) data[i++] = value;
  return { data, width, height, channels };
}

describe('analysePixels', () => {
  it('counts up to 257 colours: a few flat ones are a graphic, a gradient field is not', () => {
    const graphic = filled(300, 200, 3, (x) => (x < 150 ? [255, 0, 0] : [0, 0, 255]));
    expect(analysePixels(graphic)).toMatchObject({ isGraphic: true, colours: 2, isOpaque: true });
    const photo = filled(300, 200, 3, (x, y) => [x % 256, y % 256, (x + y) % 256]);
    expect(analysePixels(photo)).toMatchObject({ isGraphic: false, colours: 257 });
  });

  it('sees one transparent pixel anywhere in a large RGBA image, even off the histogram grid', () => {
    const opaque = filled(1021, 769, 4, () => [10, 20, 30, 255]);
    expect(analysePixels(opaque).isOpaque).toBe(true);
    opaque.data[(768 * 1021 + 1019) * 4 + 3] = 254;
    expect(analysePixels(opaque).isOpaque).toBe(false);
  });

  it('finds the dominant colour of a large image from its sample, ignoring fully transparent pixels', () => {
    // two thirds green, one third red; the red third is transparent in the second image
    const mostly = filled(1500, 1000, 4, (x) => (x < 1000 ? [0, 200, 0, 255] : [200, 0, 0, 255]));
    expect(analysePixels(mostly).dominantColor).toBe('#00c800');
    const hidden = filled(1500, 1000, 4, (x) => (x < 500 ? [0, 200, 0, 255] : [200, 0, 0, 0]));
    expect(analysePixels(hidden).dominantColor).toBe('#00c800');
  });
});
