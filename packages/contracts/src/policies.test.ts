import { PolicyFile } from './policies';

describe('PolicyFile', () => {
  it('accepts partial definitions that name their kind', () => {
    const file = PolicyFile.parse({ policies: { thumbs: { kind: 'delivery', maxWidth: 400, quality: 'auto' } } });
    expect(file.policies['thumbs']).toEqual({ kind: 'delivery', maxWidth: 400, quality: 'auto' });
  });

  it.each([
    ['an unknown option', { thumbs: { kind: 'delivery', sharpen: true } }],
    ['a missing kind', { thumbs: { quality: 50 } }],
    ['quality out of range', { thumbs: { kind: 'delivery', quality: 0 } }],
    ['a bad name', { 'Has Space': { kind: 'delivery' } }],
    ['the reserved name default', { default: { kind: 'delivery' } }],
    ['variants on a master policy', { big: { kind: 'master', variantWidths: [320] } }],
  ])('refuses %s', (_name, policies) => {
    expect(PolicyFile.safeParse({ policies }).success).toBe(false);
  });
});
