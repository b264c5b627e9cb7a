import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { IngestError, isIngestError } from '@ingestkit/contracts';
import type { AddressPolicy } from './address-policy';

/** Limits of one URL fetch (from `FETCH_*` and `MAX_UPLOAD_BYTES`). */
export interface FetchLimits {
  maxRedirects: number;
  /** Longest wait for a connection, and for any next byte once connected (idle timeout). */
  connectTimeoutMs: number;
  /** Longest time for the whole fetch, redirects and body included. */
  timeoutMs: number;
  maxBytes: number;
}

/** An open response body, checked against the policy and limits. */
export interface FetchedUrl {
  body: Readable;
  contentType?: string;
  /** The URL the body came from, after redirects. */
  url: string;
}

/**
 * Opens a URL for a server-side job, with SSRF protection: http/https only; each hop's host
 * name is checked (metadata hosts) and the address it resolves to is checked at connect time
 * by the socket's own `lookup` (so a DNS answer cannot change between check and connect), and
 * IP-literal hosts, which skip lookup, are checked before connecting; redirects are followed by
 * hand, up to `maxRedirects`, each hop checked the same way. A timer bounds the whole fetch
 * (the body is destroyed with `source_timeout` when it fires) and the returned body errors with
 * `source_too_large` past `maxBytes`. The caller must consume or destroy the body.
 */
export async function fetchUrl(url: string, policy: AddressPolicy, limits: FetchLimits): Promise<FetchedUrl> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new IngestError('source_timeout', `the source did not finish within ${limits.timeoutMs} ms`)),
    limits.timeoutMs,
  );
  timer.unref();
  try {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const response = await request(current, policy, limits, deadline.signal);
      const location = response.headers.location;
      if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume();
        if (hop >= limits.maxRedirects) {
          throw new IngestError('source_failed', `more than ${limits.maxRedirects} redirects`, {
            details: { url: current.href },
          });
        }
        current = new URL(location, current);
        continue;
      }
      checkStatus(response, current);
      const declared = Number(response.headers['content-length'] ?? NaN);
      if (declared > limits.maxBytes) {
        response.destroy();
        throw tooLarge(limits.maxBytes);
      }
      return {
        body: limitBody(response, limits.maxBytes, () => clearTimeout(timer), deadline.signal),
        url: current.href,
        ...(response.headers['content-type'] ? { contentType: response.headers['content-type'] } : {}),
      };
    }
  } catch (err) {
    clearTimeout(timer);
    throw err;
  }
}

function request(url: URL, policy: AddressPolicy, limits: FetchLimits, signal: AbortSignal): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new IngestError('source_forbidden', `only http and https URLs are fetched, not ${url.protocol}`));
  }
  try {
    policy.checkHostName(url.hostname);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) !== 0) policy.checkAddress(literal, url.hostname);
  } catch (err) {
    return Promise.reject(err);
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      agent: false,
      lookup: guardedLookup(policy),
      headers: { 'user-agent': 'ingestkit-fetch/1', accept: 'image/*' },
    });
    const onAbort = () => req.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => signal.removeEventListener('abort', onAbort));
    req.setTimeout(limits.connectTimeoutMs, () =>
      req.destroy(new IngestError('source_timeout', `no answer from ${url.host} within ${limits.connectTimeoutMs} ms`)),
    );
    req.once('response', resolve);
    req.once('error', (err) => reject(normalize(err, url, signal)));
    req.end();
  });
}

/** `lookup` for the socket: resolves, refuses if any answer is forbidden, then connects to the checked address. */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  // net calls lookup with `all: true` (autoSelectFamily) or without; answer in the form asked.
  return (hostname, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      try {
        for (const { address } of addresses) policy.checkAddress(address, hostname);
      } catch (refusal) {
        return callback(refusal as Error, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      return first ? callback(null, first.address, first.family) : callback(new Error(`no address for ${hostname}`), '', 0);
    });
  };
}

function checkStatus(response: IncomingMessage, url: URL): void {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return;
  response.resume();
  const details = { status, url: url.href };
  // 408, 429 and 5xx may pass; anything else will not.
  if (status === 408 || status === 429 || status >= 500) {
    throw new IngestError('source_unreachable', `the source answered ${status}`, { details });
  }
  throw new IngestError('source_failed', `the source answered ${status}`, { details });
}

/** The body through a byte counter that fails past `maxBytes` or when the deadline fires. */
function limitBody(response: IncomingMessage, maxBytes: number, done: () => void, signal: AbortSignal): Readable {
  let bytes = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  const fail = (err: Error) => {
    limited.destroy(err);
    response.destroy();
  };
  const onAbort = () => fail(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  response.once('error', (err) => fail(signal.aborted ? (signal.reason as Error) : err));
  limited.once('close', () => {
    signal.removeEventListener('abort', onAbort);
    response.destroy();
    done();
  });
  response.pipe(limited);
  return limited;
}

const tooLarge = (maxBytes: number) =>
  new IngestError('source_too_large', `the source is larger than ${maxBytes} bytes`, { details: { maxBytes } });

function normalize(err: unknown, url: URL, signal: AbortSignal): IngestError {
  if (signal.aborted && isIngestError(signal.reason)) return signal.reason;
  if (isIngestError(err)) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new IngestError('source_unreachable', `could not reach ${url.host}: ${code ?? (err as Error).message}`, {
    details: { host: url.host, code },
    cause: err,
  });
}
