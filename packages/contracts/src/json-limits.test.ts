import { AssetMetadata, isNestedDeeperThan, jsonTextDepth, MAX_METADATA_DEPTH } from './json-limits';
import { keyPathProblem } from './key-limits';
import { FolderPath, UploadFields } from './uploads';

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('JSON depth', () => {
  it('measures text without parsing it, ignoring brackets inside strings', () => {
    expect(jsonTextDepth('1')).toBe(0);
    expect(jsonTextDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonTextDepth('{"a":"[[[{{{\\"]]]"}')).toBe(1);
    expect(jsonTextDepth(deep(100_000))).toBe(100_000);
  });

  it('bounds parsed values without recursing', () => {
    expect(isNestedDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(isNestedDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(isNestedDeeperThan(JSON.parse(deep(100_000)), 8)).toBe(true);
  });
});

describe('AssetMetadata', () => {
  it('accepts metadata up to the depth and size limits', () => {
    expect(AssetMetadata.safeParse(JSON.parse(deep(MAX_METADATA_DEPTH))).success).toBe(true);
    expect(AssetMetadata.safeParse({ s: 'x'.repeat(16_000) }).success).toBe(true);
  });

  it.each([
    ['too deep to stringify', JSON.parse(deep(100_000))],
    ['one level too deep', JSON.parse(deep(MAX_METADATA_DEPTH + 1))],
    ['too large', { s: 'x'.repeat(17_000) }],
  ])('refuses metadata %s', (_name, value) => {
    expect(AssetMetadata.safeParse(value).success).toBe(false);
  });

  it('applies to the multipart form field too', () => {
    expect(UploadFields.safeParse({ metadata: deep(MAX_METADATA_DEPTH + 1) }).success).toBe(false);
  });
});

describe('key lengths', () => {
  it('allows segments of 255 characters and refuses 256', () => {
    expect(keyPathProblem(`a/${'b'.repeat(255)}`)).toBeUndefined();
    expect(keyPathProblem(`a/${'b'.repeat(256)}`)).toMatch(/255/);
    expect(FolderPath.safeParse(`a/${'b'.repeat(255)}`).success).toBe(true);
    expect(FolderPath.safeParse(`a/${'b'.repeat(256)}`).success).toBe(false);
  });
});
