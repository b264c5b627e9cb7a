import { PolicyFile } from '@ingestkit/contracts';
import { createPolicyRegistry } from './policy-registry';

describe('createPolicyRegistry', () => {
  const registry = createPolicyRegistry();

  it('resolves default by destination: master for ImageKit, delivery with auto quality for S3 and local', () => {
    expect(registry.resolve({ name: 'default', destination: 'imagekit' })).toMatchObject({
      name: 'master',
      kind: 'master',
      quality: 90,
      variantWidths: [],
    });
    for (const destination of ['s3', 'local'] as const) {
      expect(registry.resolve({ name: 'default', destination })).toMatchObject({
        name: 'delivery',
        kind: 'delivery',
        format: 'auto',
        quality: 'auto',
        maxWidth: 2000,
        maxHeight: 2000,
        variantWidths: [320, 480, 960, 1440],
      });
    }
  });

  it('has the user ImageKit setting as the one-line policy imagekit-q50', () => {
    expect(registry.resolve({ name: 'imagekit-q50', destination: 's3' })).toMatchObject({ kind: 'delivery', quality: 50 });
  });

  it('rejects an unknown policy with policy_unknown', () => {
    expect(() => registry.resolve({ name: 'nope', destination: 's3' })).toThrow(
      expect.objectContaining({ code: 'policy_unknown' }),
    );
  });

  it('loads configured policies over the defaults of their kind, replacing built-ins of the same name', () => {
    const file = PolicyFile.parse({
      policies: {
        thumbs: { kind: 'delivery', maxWidth: 400, maxHeight: 400, quality: 60 },
        master: { kind: 'master', quality: 95 },
      },
    });
    const custom = createPolicyRegistry(file.policies);
    expect(custom.resolve({ name: 'thumbs', destination: 'local' })).toMatchObject({
      maxWidth: 400,
      quality: 60,
      format: 'auto',
      variantWidths: [320, 480, 960, 1440],
    });
    expect(custom.resolve({ name: 'default', destination: 'imagekit' }).quality).toBe(95);
    expect(custom.names()).toContain('thumbs');
  });

  it('keeps master policies at quality 85 or more and without variants', () => {
    const custom = createPolicyRegistry({ low: { kind: 'master', quality: 40, variantWidths: [100] } });
    expect(custom.resolve({ name: 'low', destination: 'imagekit' })).toMatchObject({ quality: 85, variantWidths: [] });
    expect(custom.resolve({ name: 'master', destination: 'imagekit', overrides: { quality: 50 } }).quality).toBe(85);
  });

  it('bounds overrides: the box only shrinks, AVIF only where allowed', () => {
    const boxed = registry.resolve({ name: 'delivery', destination: 'local', overrides: { maxWidth: 800, maxHeight: 9000 } });
    expect(boxed).toMatchObject({ maxWidth: 800, maxHeight: 2000 });
    expect(registry.resolve({ name: 'delivery', destination: 'local', overrides: { format: 'png', quality: 40 } })).toMatchObject(
      {
        format: 'png',
        quality: 40,
      },
    );
    expect(() => registry.resolve({ name: 'delivery', destination: 'local', overrides: { format: 'avif' } })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
    expect(registry.resolve({ name: 'delivery-avif', destination: 'local', overrides: { format: 'avif' } }).format).toBe('avif');
  });

  it('refuses to redefine default', () => {
    expect(() => createPolicyRegistry({ default: { kind: 'delivery' } })).toThrow(/reserved/);
  });
});
