import { IngestError } from '@ingestkit/contracts';
import { toImagingError } from './sharp-errors';

describe('toImagingError', () => {
  it.each([
    ['Input image exceeds pixel limit', 'pixel_limit_exceeded'],
    ['Input buffer contains unsupported image format', 'unsupported_media_type'],
    ['Input file contains unsupported image format', 'unsupported_media_type'],
    ['VipsForeignLoadSvgBuffer: operation is blocked', 'unsupported_media_type'],
    ['VipsJpeg: premature end of JPEG image', 'corrupt_image'],
    ['vipspng: libpng read error', 'corrupt_image'],
    ['Input buffer has corrupt header: webp: unable to parse image', 'corrupt_image'],
    ['source: bad seek to 927163', 'corrupt_image'],
  ])('maps "%s" to %s', (message, code) => {
    const cause = new Error(message);
    const mapped = toImagingError(cause, 'decoding');
    expect(mapped).toBeInstanceOf(IngestError);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).toContain('decoding');
  });

  it('keeps the first line of the libvips reason in corrupt_image messages', () => {
    const mapped = toImagingError(new Error('VipsJpeg: premature end of JPEG image\nmore detail'), 'decoding');
    expect(mapped.message).toBe('image could not be decoded (decoding): VipsJpeg: premature end of JPEG image');
  });

  it('uses the fallback code for other errors, but still recognises limits and formats', () => {
    const failed = toImagingError(new Error('webpsave: out of memory'), 'encoding webp', 'internal_error');
    expect(failed.code).toBe('internal_error');
    expect(failed.message).toBe('image processing failed (encoding webp): webpsave: out of memory');
    expect(toImagingError(new Error('Input image exceeds pixel limit'), 'x', 'internal_error').code).toBe('pixel_limit_exceeded');
    expect(toImagingError(new Error('Input file contains unsupported image format'), 'x', 'internal_error').code).toBe(
      'unsupported_media_type',
    );
  });

  it('passes IngestErrors through unchanged', () => {
    const original = new IngestError('payload_too_large', 'too big');
    expect(toImagingError(original, 'decoding')).toBe(original);
  });

  it('rebuilds IngestError-shaped errors that lost their class, keeping the code', () => {
    const foreign = Object.assign(new Error('too many pixels'), { name: 'IngestError', code: 'pixel_limit_exceeded' });
    const mapped = toImagingError(foreign, 'decoding');
    expect(mapped).toBeInstanceOf(IngestError);
    expect(mapped.code).toBe('pixel_limit_exceeded');
  });

  it('treats non-Error throwables as corrupt input', () => {
    expect(toImagingError('boom', 'decoding').code).toBe('corrupt_image');
  });
});
