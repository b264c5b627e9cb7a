/**
 * `globalThis.fetch`, except that a rejection which is not an `Error` of this realm is rethrown as
 * one with the same `name`, `message` and `cause`.
 *
 * Why: the SDK tells a timeout from other connection failures by `err.name === 'AbortError'`, but it
 * first passes the rejection through `castToError`, which keeps only `instanceof Error` values intact.
 * Under jest's vm context, undici's `DOMException` comes from the outer realm, fails that check and
 * is flattened to `Error('{}')`, so timeouts surfaced as plain connection errors. In a single-realm
 * Node process this wrapper changes nothing.
 */
export const realmSafeFetch: typeof fetch = async (input, init) => {
  try {
    return await globalThis.fetch(input, init);
  } catch (err) {
    if (err instanceof Error || typeof err !== 'object' || err === null) throw err;
    const foreign = err as { name?: unknown; message?: unknown };
    const error = new Error(String(foreign.message ?? 'fetch failed'), { cause: err });
    if (typeof foreign.name === 'string') error.name = foreign.name;
    throw error;
  }
};
