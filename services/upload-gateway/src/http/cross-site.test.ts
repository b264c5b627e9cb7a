import { isCrossSiteStateChange } from './cross-site';

const request = (method: string, headers: Record<string, string>) => ({
  method,
  headers: { host: 'gw.example:8080', ...headers },
});

describe('isCrossSiteStateChange', () => {
  it.each([
    ['POST', { 'sec-fetch-site': 'cross-site' }],
    ['PUT', { 'sec-fetch-site': 'same-site' }],
    ['DELETE', { 'sec-fetch-site': 'cross-site', origin: 'http://gw.example:8080' }],
    ['POST', { origin: 'https://evil.example' }],
    ['POST', { origin: 'null' }],
  ])('refuses %s with %j', (method, headers) => {
    expect(isCrossSiteStateChange(request(method, headers))).toBe(true);
  });

  it.each([
    ['POST', { 'sec-fetch-site': 'same-origin' }],
    ['PUT', { 'sec-fetch-site': 'none' }],
    ['POST', { origin: 'https://gw.example:8080' }],
    ['POST', {}],
    ['GET', { 'sec-fetch-site': 'cross-site' }],
    ['HEAD', { origin: 'https://evil.example' }],
  ])('lets %s with %j through', (method, headers) => {
    expect(isCrossSiteStateChange(request(method, headers))).toBe(false);
  });
});
