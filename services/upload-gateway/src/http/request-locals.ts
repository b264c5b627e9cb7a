import type { Principal } from './auth';

/**
 * What the gateway's middleware leaves on `res.locals` for the handlers and the error handler
 * after it, typed once here (declaration merging into express's `Locals`).
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The authenticated caller (set by the auth chains). */
      principal?: Principal;
      /** The caller and its `Idempotency-Key`: the seed of key-derived asset ids. */
      idempotencySeed?: string;
      /** The asset a request acts on, for the access log and error answers. */
      assetId?: string;
    }
  }
}

export {};
