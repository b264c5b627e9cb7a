import { IngestError } from '@ingestkit/contracts';
import { planPurges, type PlanPurgesInput } from './plan-purges';

const E = 'https://ik.imagekit.io/demo';
const FULL = { remaining: 1000, monthly: 1000 };

function plan(urls: string[], overrides: Partial<PlanPurgesInput> = {}) {
  return planPurges({
    requests: urls.map((url, index) => ({ id: `r${index}`, url, receivedAt: 1000 + index })),
    budget: FULL,
    collapseThreshold: 3,
    urlEndpoints: [E],
    ...overrides,
  });
}

describe('planPurges', () => {
  it('purges a single URL exactly', () => {
    expect(plan([`${E}/shop/shoes/a.jpg`])).toEqual({
      purges: [{ rule: `${E}/shop/shoes/a.jpg`, covers: ['r0'] }],
      coveredByPending: [],
      deferred: [],
      versioned: [],
      held: [],
      deduplicated: 0,
    });
  });

  it('drops exact duplicates into one purge and counts them, ignoring #fragments', () => {
    const result = plan([`${E}/a/b.jpg`, `${E}/a/b.jpg`, `${E}/a/b.jpg#top`, `${E}/a/c.jpg`]);
    expect(result.purges).toEqual([
      { rule: `${E}/a/b.jpg`, covers: ['r0', 'r1', 'r2'] },
      { rule: `${E}/a/c.jpg`, covers: ['r3'] },
    ]);
    expect(result.deduplicated).toBe(2);
  });

  it('drops versioned ?updatedAt= URLs without a purge, and keeps other query variants as separate URLs', () => {
    const result = plan([`${E}/x/y/a.jpg?updatedAt=1700000000000`, `${E}/x/y/a.jpg?tr=w-100`]);
    expect(result.versioned).toEqual(['r0']);
    expect(result.purges).toEqual([{ rule: `${E}/x/y/a.jpg?tr=w-100`, covers: ['r1'] }]);
  });

  it('drops URLs already covered by a pending wildcard or pending exact URL submitted after they were received', () => {
    const result = plan([`${E}/shop/shoes/a.jpg`, `${E}/shop/hats/b.jpg`, `${E}/c.jpg`], {
      pending: [
        { rule: `${E}/shop/shoes/*`, submittedAt: 5000 },
        { rule: `${E}/c.jpg`, submittedAt: 1002 },
      ],
    });
    expect(result.coveredByPending).toEqual([
      { rule: `${E}/shop/shoes/*`, covers: ['r0'] },
      { rule: `${E}/c.jpg`, covers: ['r2'] },
    ]);
    expect(result.purges).toEqual([{ rule: `${E}/shop/hats/b.jpg`, covers: ['r1'] }]);
  });

  it('defers URLs under a pending rule submitted before they were received, until that rule completes', () => {
    // r0 and r2 changed after the wildcard was sent: it may have run before their change reached the origin.
    const result = plan([`${E}/shop/shoes/a.jpg`, `${E}/shop/hats/b.jpg`, `${E}/shop/shoes/c.jpg?tr=w-10`, `${E}/d.jpg`], {
      pending: [
        { rule: `${E}/shop/shoes/*`, submittedAt: 999 },
        { rule: `${E}/d.jpg`, submittedAt: 1003 },
      ],
    });
    expect(result.deferred).toEqual(['r0', 'r2']);
    expect(result.coveredByPending).toEqual([{ rule: `${E}/d.jpg`, covers: ['r3'] }]);
    expect(result.purges).toEqual([{ rule: `${E}/shop/hats/b.jpg`, covers: ['r1'] }]);
  });

  it('collapses a folder into one trailing-* rule at the threshold, not below it', () => {
    const three = plan([`${E}/shop/shoes/a.jpg`, `${E}/shop/shoes/b.jpg`, `${E}/shop/shoes/c.jpg?tr=w-10`]);
    expect(three.purges).toEqual([{ rule: `${E}/shop/shoes/*`, covers: ['r0', 'r1', 'r2'] }]);
    const two = plan([`${E}/shop/shoes/a.jpg`, `${E}/shop/shoes/b.jpg`]);
    expect(two.purges.map((purge) => purge.rule)).toEqual([`${E}/shop/shoes/a.jpg`, `${E}/shop/shoes/b.jpg`]);
  });

  it('never collapses into a wildcard ImageKit rejects (one short level, no matching endpoint)', () => {
    const shallow = plan([`${E}/img/a.jpg`, `${E}/img/b.jpg`, `${E}/img/c.jpg`]);
    expect(shallow.purges).toHaveLength(3);
    const foreign = plan([
      'https://cdn.example.com/a/b/1.jpg',
      'https://cdn.example.com/a/b/2.jpg',
      'https://cdn.example.com/a/b/3.jpg',
    ]);
    expect(foreign.purges).toHaveLength(3);
  });

  it('collapses query variants of one file into file.ext*', () => {
    const result = plan([`${E}/a.jpg`, `${E}/a.jpg?tr=w-100`, `${E}/a.jpg?tr=w-200`]);
    expect(result.purges).toEqual([{ rule: `${E}/a.jpg*`, covers: ['r0', 'r1', 'r2'] }]);
  });

  it('merges narrower wildcards into a wider allowed one when enough fall under it', () => {
    const urls = ['p', 'q', 'r'].flatMap((folder) => [1, 2, 3].map((n) => `${E}/shop/catalogue/${folder}/${n}.jpg`));
    const result = plan(urls);
    expect(result.purges).toEqual([{ rule: `${E}/shop/catalogue/*`, covers: urls.map((_, index) => `r${index}`) }]);
  });

  it('collapses at 2 when the budget is low', () => {
    const urls = [`${E}/shop/shoes/a.jpg`, `${E}/shop/shoes/b.jpg`];
    expect(plan(urls, { budget: { remaining: 50, monthly: 1000 } }).purges).toHaveLength(1);
    expect(plan(urls, { budget: { remaining: 150, monthly: 1000 } }).purges).toHaveLength(2);
    expect(plan(urls, { budget: { remaining: 150, monthly: 1000 }, lowBudgetRatio: 0.2 }).purges).toHaveLength(1);
  });

  it('collapses at 2 when the budget cannot pay for the plan, before holding anything', () => {
    const urls = [`${E}/shop/shoes/a.jpg`, `${E}/shop/shoes/b.jpg`, `${E}/shop/hats/c.jpg`, `${E}/shop/hats/d.jpg`];
    const result = plan(urls, { budget: { remaining: 2, monthly: 10 }, lowBudgetRatio: 0 });
    expect(result.purges.map((purge) => purge.rule)).toEqual([`${E}/shop/shoes/*`, `${E}/shop/hats/*`]);
    expect(result.held).toEqual([]);
  });

  it('holds everything that needs a purge when the budget is exhausted, but still settles the free ones', () => {
    const result = plan([`${E}/a.jpg`, `${E}/b.jpg?updatedAt=5`, `${E}/c.jpg`, `${E}/a.jpg`], {
      budget: { remaining: 0, monthly: 1000 },
      pending: [{ rule: `${E}/c.jpg`, submittedAt: 5000 }],
    });
    expect(result.purges).toEqual([]);
    expect(result.held).toEqual(['r0', 'r3']);
    expect(result.versioned).toEqual(['r1']);
    expect(result.coveredByPending).toEqual([{ rule: `${E}/c.jpg`, covers: ['r2'] }]);
  });

  it('spends a short budget on the oldest requests and holds the rest', () => {
    const result = planPurges({
      requests: [
        { id: 'new', url: `${E}/n.jpg`, receivedAt: 30 },
        { id: 'old', url: `${E}/o.jpg`, receivedAt: 10 },
        { id: 'mid', url: `${E}/m.jpg`, receivedAt: 20 },
      ],
      budget: { remaining: 2, monthly: 1000 },
      collapseThreshold: 3,
      urlEndpoints: [E],
    });
    expect(result.purges.map((purge) => purge.covers)).toEqual([['old'], ['mid']]);
    expect(result.held).toEqual(['new']);
  });

  it.each(['not a url', 'ftp://host/a.jpg', `${E}/a/b/*`])('rejects %s with bad_request', (url) => {
    expect(() => plan([url])).toThrow(IngestError);
    expect(() => plan([url])).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
