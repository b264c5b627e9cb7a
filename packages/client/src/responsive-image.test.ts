import { responsiveImage } from './responsive-image';

const variant = (width: number) => ({
  width,
  height: width / 2,
  bytes: 100,
  key: `k-${width}`,
  format: 'webp' as const,
  contentType: 'image/webp',
  url: `https://cdn.example/a-${width}w.webp`,
});

describe('responsiveImage', () => {
  it('builds src, a srcset narrowest first with the output itself, sizes and the placeholder', () => {
    const image = responsiveImage(
      {
        id: 'ast_x',
        output: {
          name: 'a.webp',
          key: 'k',
          bytes: 1,
          format: 'webp',
          contentType: 'image/webp',
          width: 2000,
          height: 1000,
          url: 'https://cdn.example/a.webp?v=1',
          variants: [variant(960), variant(320), variant(1920)],
          placeholder: 'data:image/webp;base64,AAAA',
          dominantColor: '#336699',
        },
      },
      { sizes: '(min-width: 800px) 50vw, 100vw' },
    );
    expect(image).toEqual({
      src: 'https://cdn.example/a.webp?v=1',
      srcset:
        'https://cdn.example/a-320w.webp 320w, https://cdn.example/a-960w.webp 960w, https://cdn.example/a-1920w.webp 1920w, https://cdn.example/a.webp?v=1 2000w',
      sizes: '(min-width: 800px) 50vw, 100vw',
      width: 2000,
      height: 1000,
      placeholder: 'data:image/webp;base64,AAAA',
      dominantColor: '#336699',
    });
  });

  it('refuses an asset without a delivered URL', () => {
    expect(() => responsiveImage({ id: 'ast_x' })).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
