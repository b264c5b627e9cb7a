import { isAllowedWildcard, pathAfterEndpoint, ruleCovers } from './wildcard';

const ENDPOINT = 'https://ik.imagekit.io/demo';

describe('isAllowedWildcard: the examples of CONTRACTS §7', () => {
  it.each([
    // rule 1: at least two levels
    ['/images/upload*', true],
    ['/images*', false],
    ['/images/*', false],
    ['/a/b/*', true],
    // rule 2: at least 15 characters (not counting the leading slash)
    ['/abcdefghijklmno*', true],
    ['/abcdefghijklmn*', false],
    // rule 3: a complete file path with an extension
    ['/sample.jpg*', true],
    ['/sample*', false],
    ['/sample.*', false],
    // only a trailing wildcard
    ['/folder/*/x.jpg', false],
    ['/folder/*/x.jpg*', false],
    ['/a/b*c', false],
    ['/images/upload', false],
    ['*', false],
    ['/*', false],
    // never the blocked platform prefixes, even though they have two levels
    ['/media/catalog/*', false],
    ['/media/catalog*', false],
    ['/s/files/*', false],
    ['/media/catalog/product/*', true],
    // no query strings in a wildcard rule
    ['/images/upload?tr=w-100*', false],
  ])('%s → %s', (rule, allowed) => {
    expect(isAllowedWildcard(rule)).toBe(allowed);
  });
});

describe('isAllowedWildcard on full URLs', () => {
  it('applies the rules to the path after the URL endpoint (imagekitId and URL pattern excluded)', () => {
    expect(isAllowedWildcard(`${ENDPOINT}/images/upload*`, [ENDPOINT])).toBe(true);
    expect(isAllowedWildcard(`${ENDPOINT}/images*`, [ENDPOINT])).toBe(false);
    expect(isAllowedWildcard(`${ENDPOINT}/images/*`, [ENDPOINT])).toBe(false);
    // With a URL pattern `/pattern`, `/pattern/images/*` is still one level.
    expect(isAllowedWildcard(`${ENDPOINT}/pattern/images/*`, [`${ENDPOINT}/pattern`, ENDPOINT])).toBe(false);
    expect(isAllowedWildcard(`${ENDPOINT}/pattern/images/*`, [ENDPOINT])).toBe(true);
  });

  it('refuses when no endpoint matches, since the levels cannot then be counted', () => {
    expect(isAllowedWildcard('https://cdn.example.com/a/b/c/*', [ENDPOINT])).toBe(false);
    expect(isAllowedWildcard(`${ENDPOINT}/images/upload*`)).toBe(false);
  });

  it('refuses malformed and non-http URLs', () => {
    expect(isAllowedWildcard('not a url*', [ENDPOINT])).toBe(false);
    expect(isAllowedWildcard('ftp://ik.imagekit.io/demo/a/b/*', ['ftp://ik.imagekit.io/demo'])).toBe(false);
  });
});

describe('pathAfterEndpoint / ruleCovers', () => {
  it('strips the longest matching endpoint, ignoring trailing slashes', () => {
    expect(pathAfterEndpoint(`${ENDPOINT}/p/x.jpg`, [`${ENDPOINT}/`, `${ENDPOINT}/p`])).toBe('/x.jpg');
    expect(pathAfterEndpoint(`${ENDPOINT}x/a.jpg`, [ENDPOINT])).toBeUndefined();
    expect(pathAfterEndpoint(ENDPOINT, [ENDPOINT])).toBe('/');
  });

  it('matches exact URLs exactly and wildcards by prefix', () => {
    expect(ruleCovers(`${ENDPOINT}/a.jpg`, `${ENDPOINT}/a.jpg`)).toBe(true);
    expect(ruleCovers(`${ENDPOINT}/a.jpg`, `${ENDPOINT}/a.jpg?tr=w-100`)).toBe(false);
    expect(ruleCovers(`${ENDPOINT}/a.jpg*`, `${ENDPOINT}/a.jpg?tr=w-100`)).toBe(true);
    expect(ruleCovers(`${ENDPOINT}/a/b/*`, `${ENDPOINT}/a/b/c/d.jpg`)).toBe(true);
    expect(ruleCovers(`${ENDPOINT}/a/b/*`, `${ENDPOINT}/a/bc.jpg`)).toBe(false);
  });
});
