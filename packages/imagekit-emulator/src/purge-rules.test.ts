import { checkPurgeUrl, pathAfterEndpoint, purgeCovers } from './purge-rules';

const ENDPOINT = 'http://127.0.0.1:9000/demo';

describe('checkPurgeUrl', () => {
  it.each([
    // no wildcard: any http(s) URL
    [`${ENDPOINT}/a.jpg`, true],
    [`${ENDPOINT}/a.jpg?tr=w-100`, true],
    // rule 1: at least two levels
    [`${ENDPOINT}/images/upload*`, true],
    [`${ENDPOINT}/images*`, false],
    [`${ENDPOINT}/images/*`, false],
    // rule 2: at least 15 characters
    [`${ENDPOINT}/abcdefghijklmn*`, true],
    [`${ENDPOINT}/abcdefghijklm*`, false],
    // rule 3: a complete file name with an extension
    [`${ENDPOINT}/sample.jpg*`, true],
    // only a trailing wildcard; never the blocked platform prefixes
    [`${ENDPOINT}/folder/*/x.jpg`, false],
    [`${ENDPOINT}/a/b*c`, false],
    [`${ENDPOINT}/media/catalog/*`, false],
    [`${ENDPOINT}/s/files/*`, false],
    // the imagekitId of ik.imagekit.io does not count as a level
    ['https://ik.imagekit.io/demo/images*', false],
    ['https://ik.imagekit.io/demo/images/upload*', true],
    ['not a url', false],
    ['ftp://example.com/a.jpg', false],
  ])('%s → %s', (url, ok) => {
    expect(checkPurgeUrl(url, [ENDPOINT]).ok).toBe(ok);
  });
});

describe('pathAfterEndpoint / purgeCovers', () => {
  it('strips the longest matching endpoint', () => {
    expect(pathAfterEndpoint(`${ENDPOINT}/x/y.png?a=1`, ['http://127.0.0.1:9000', ENDPOINT])).toBe('/x/y.png?a=1');
    expect(pathAfterEndpoint('https://cdn.example.com/x/y.png', [ENDPOINT])).toBe('/x/y.png');
  });

  it('matches exact paths, and prefixes for wildcards (query variants included)', () => {
    expect(purgeCovers('/a.jpg', false, '/a.jpg')).toBe(true);
    expect(purgeCovers('/a.jpg', false, '/a.jpg?updatedAt=1')).toBe(false);
    expect(purgeCovers('/a.jpg*', true, '/a.jpg?tr=w-100')).toBe(true);
    expect(purgeCovers('/a.jpg*', true, '/tr:w-100/a.jpg')).toBe(false);
  });
});
