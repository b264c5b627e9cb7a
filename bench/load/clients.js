'use strict';
// The load of bench/load.js: N clients, each with its own keep-alive connection (undici) and
// its own API key, each sending one multipart `POST /v1/uploads` after another until the
// deadline, cycling through the corpus from its own offset. A refusal that says when to come
// back (Retry-After on 503 backlog_full, 429) is honoured up to `retryCapMs`, so the clients
// keep pressing on the gateway the way impatient real clients would; a network error pauses
// the client for a moment instead of spinning.

const { Client } = require('undici');

const NETWORK_ERROR_PAUSE_MS = 250;
const HEADERS_TIMEOUT_MS = 120_000;

/**
 * Runs the load until `deadline` (ms); requests in flight then are awaited and counted.
 * Returns `{ accepted: [{ assetId, item, sentAt, acceptedAt, latencyMs }], refused: [{ status,
 * code, item, at, latencyMs }] }`; `refused` includes network errors as status 0 with the
 * error's code.
 */
async function runLoad({ url, apiKeys, corpus, deadline, retryCapMs, onAccepted }) {
  const accepted = [];
  const refused = [];
  const stride = Math.max(1, Math.floor(corpus.length / apiKeys.length));
  await Promise.all(
    apiKeys.map(async (apiKey, index) => {
      const client = new Client(url, { headersTimeout: HEADERS_TIMEOUT_MS, bodyTimeout: HEADERS_TIMEOUT_MS });
      try {
        for (let n = index * stride; Date.now() < deadline; n++) {
          const item = corpus[n % corpus.length];
          const outcome = await upload(client, apiKey, item);
          if (outcome.assetId) {
            const entry = {
              assetId: outcome.assetId,
              item: item.name,
              sentAt: outcome.sentAt,
              acceptedAt: outcome.at,
              latencyMs: outcome.latencyMs,
            };
            accepted.push(entry);
            onAccepted?.(entry);
            continue;
          }
          refused.push({
            status: outcome.status,
            code: outcome.code,
            item: item.name,
            at: outcome.at,
            latencyMs: outcome.latencyMs,
          });
          const pause = outcome.status === 0 ? NETWORK_ERROR_PAUSE_MS : Math.min(outcome.retryAfterMs ?? 0, retryCapMs);
          if (pause > 0) await sleep(Math.min(pause, deadline - Date.now()));
        }
      } finally {
        await client.close().catch(() => undefined);
      }
    }),
  );
  return { accepted, refused };
}

/** One upload; resolves with the asset id on 202, else the status and `error.code` (never rejects). */
async function upload(client, apiKey, item) {
  const sentAt = Date.now();
  const started = performance.now();
  try {
    const res = await client.request({
      method: 'POST',
      path: '/v1/uploads',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': item.contentType },
      body: item.body,
    });
    const text = await res.body.text();
    const latencyMs = performance.now() - started;
    const at = Date.now();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.statusCode === 202 && json?.asset?.id) return { assetId: json.asset.id, sentAt, at, latencyMs };
    const retryAfter = Number(res.headers['retry-after']);
    return {
      status: res.statusCode,
      code: json?.error?.code ?? 'no_error_code',
      at,
      latencyMs,
      ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  } catch (err) {
    return { status: 0, code: err.code ?? err.name ?? 'network_error', at: Date.now(), latencyMs: performance.now() - started };
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

module.exports = { runLoad, upload };
