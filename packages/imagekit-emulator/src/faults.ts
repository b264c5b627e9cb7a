import { type NextFunction, type Request, type Response } from 'express';
import { MESSAGES, errorBody } from './api-error';
import { type FaultKind, type FaultOptions } from './types';

/** Which part of the emulator a request hits; faults apply differently to each. */
export type RouteClass = 'upload' | 'api' | 'cdn';

/** mulberry32: a tiny seeded PRNG, so fault sequences are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Holds the current {@link FaultOptions} and decides, request by request, which fault (if any) to inject. */
export class FaultController {
  private options: FaultOptions = {};
  private random: () => number = Math.random;
  private remaining = 0;

  constructor(initial?: FaultOptions) {
    this.set(initial ?? {});
  }

  /** Replaces all fault settings (and restarts the seeded sequence and the `failNext` counter). */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = options.seed === undefined ? Math.random : seededRandom(options.seed);
    this.remaining = options.failNext?.count ?? 0;
  }

  /** Whether connections should be dropped outright. */
  isDown(): boolean {
    return this.options.down === true;
  }

  /** Delay to add before responding, in ms: the fixed latency, plus `slowMs` for the share drawn slow. */
  latencyMs(route: RouteClass): number {
    const slow = route !== 'cdn' && this.random() < (this.options.slowRatio ?? 0) ? (this.options.slowMs ?? 5_000) : 0;
    return (this.options.latencyMs ?? 0) + slow;
  }

  /** The fault to inject for one request, if any. Uploads are exempt from rate limiting, as on ImageKit. */
  decide(route: RouteClass): FaultKind | undefined {
    if (route === 'cdn') return undefined;
    if (this.remaining > 0 && this.options.failNext) {
      this.remaining -= 1;
      return this.options.failNext.kind;
    }
    if (this.random() < (this.options.dropRatio ?? 0)) return this.random() < 0.5 ? 'down' : 'lost-response';
    if (route === 'api' && this.random() < (this.options.rateLimitRatio ?? 0)) return 'rate-limit';
    if (this.random() < (this.options.serverErrorRatio ?? 0)) return this.random() < 0.5 ? 'server-error' : 'non-json-error';
    return undefined;
  }

  /** Express middleware applying latency and the decided fault; `classify` maps a request to its route class. */
  middleware(classify: (req: Request) => RouteClass) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      if (this.isDown()) {
        req.socket.destroy();
        return;
      }
      const route = classify(req);
      const latency = this.latencyMs(route);
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      const fault = this.decide(route);
      if (fault === undefined) return next();
      if (fault === 'lost-response') {
        // Handle the request for real, then cut the connection instead of answering.
        res.end = (() => {
          req.socket.destroy();
          return res;
        }) as Response['end'];
        return next();
      }
      req.resume();
      this.respond(fault, req, res);
    };
  }

  private respond(fault: FaultKind, req: Request, res: Response): void {
    res.setHeader('connection', 'close');
    switch (fault) {
      case 'down':
      case 'lost-response':
        req.socket.destroy();
        return;
      case 'rate-limit':
        res.setHeader('X-RateLimit-Limit', '10');
        res.setHeader('X-RateLimit-Reset', '1000');
        res.setHeader('X-RateLimit-Interval', '1000');
        if (this.options.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(this.options.retryAfterSeconds));
        res.status(429).json({ message: MESSAGES.rateLimited });
        return;
      case 'server-error':
        res.status(500).json(errorBody('Internal server error. Please try again later.'));
        return;
      case 'non-json-error': {
        const status = this.random() < 0.5 ? 502 : 503;
        res
          .status(status)
          .type('html')
          .send(`<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>`);
        return;
      }
    }
  }
}
