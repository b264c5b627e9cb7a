import { checkPurgeUrl } from '@ingestkit/imagekit-emulator';
import { planPurges, type PendingPurge, type PurgeRequest } from './plan-purges';
import { isAllowedWildcard, ruleCovers } from './wildcard';

const E = 'https://ik.imagekit.io/demo';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FOLDERS = [
  '/a',
  '/img',
  '/shop/shoes',
  '/shop/hats',
  '/shop/catalogue/p',
  '/media/catalog',
  '/s/files',
  '/very-long-folder-name',
  '/tr:w-100/shop/shoes',
];
const FILES = ['1.jpg', '2.png', 'x.webp', 'photo', 'long-file-name.jpeg'];
const QUERIES = ['', '', '', '?tr=w-100', '?tr=h-50', '?updatedAt=1700000000000'];
const HOSTS = [E, E, E, 'https://cdn.example.com'];

interface Batch {
  requests: PurgeRequest[];
  pending: PendingPurge[];
  remaining: number;
  threshold: number;
}

function generate(next: () => number): Batch {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const count = Math.floor(next() * 60);
  const requests = Array.from({ length: count }, (_, index) => ({
    id: `r${index}`,
    url: `${pick(HOSTS)}${pick(FOLDERS)}/${pick(FILES)}${pick(QUERIES)}`,
    receivedAt: Math.floor(next() * 1000),
  }));
  const pending =
    next() < 0.5
      ? []
      : [`${E}${pick(FOLDERS)}/*`, `${E}${pick(FOLDERS)}/${pick(FILES)}`].map((rule) => ({
          rule,
          submittedAt: Math.floor(next() * 1000),
        }));
  return { requests, pending, remaining: Math.floor(next() * 12), threshold: 1 + Math.floor(next() * 6) };
}

describe('planPurges properties (500 seeded random batches)', () => {
  const seeds = Array.from({ length: 500 }, (_, index) => index + 1);

  it.each([[seeds]])('hold for every batch', (all) => {
    for (const seed of all) {
      const { requests, pending, remaining, threshold } = generate(random(seed));
      const plan = planPurges({
        requests,
        pending,
        budget: { remaining, monthly: 100 },
        collapseThreshold: threshold,
        urlEndpoints: [E],
      });
      const context = `seed ${seed}`;

      // Every request id lands in exactly one place: a purge, a pending rule, deferred, versioned, or held.
      const placed = [
        ...plan.purges.flatMap((purge) => purge.covers),
        ...plan.coveredByPending.flatMap((entry) => entry.covers),
        ...plan.deferred,
        ...plan.versioned,
        ...plan.held,
      ].sort();
      expect({ context, placed }).toEqual({ context, placed: requests.map((request) => request.id).sort() });

      // Never more purges than the budget; nothing held while the budget could have paid.
      expect(plan.purges.length).toBeLessThanOrEqual(remaining);
      if (plan.held.length > 0) expect(plan.purges.length).toBe(remaining);

      for (const purge of plan.purges) {
        // Every wildcard passes our check and the emulator's; every covered URL is really covered.
        if (purge.rule.includes('*')) {
          expect({ context, rule: purge.rule, ok: isAllowedWildcard(purge.rule, [E]) }).toEqual({
            context,
            rule: purge.rule,
            ok: true,
          });
          expect(checkPurgeUrl(purge.rule, [E]).ok).toBe(true);
        }
        for (const id of purge.covers) {
          const url = requests.find((request) => request.id === id)!.url;
          expect(purge.rule.endsWith('*') ? url.startsWith(purge.rule.slice(0, -1)) : url === purge.rule).toBe(true);
        }
      }
      // A pending rule settles only requests received before it was submitted; the others under it wait.
      for (const { rule, covers } of plan.coveredByPending) {
        const submittedAt = pending.find((entry) => entry.rule === rule)!.submittedAt;
        for (const id of covers)
          expect(requests.find((request) => request.id === id)!.receivedAt).toBeLessThanOrEqual(submittedAt);
      }
      for (const id of plan.deferred) {
        const request = requests.find((candidate) => candidate.id === id)!;
        expect(pending.some((entry) => ruleCovers(entry.rule, request.url.split('#')[0]!))).toBe(true);
      }
      // Versioned URLs are exactly the ?updatedAt= ones.
      const versioned = requests.filter((request) => request.url.includes('updatedAt=')).map((request) => request.id);
      expect(plan.versioned).toEqual(versioned);
    }
  });
});
