'use strict';
// The backend bench/load.js pretends to be: the worker POSTs asset.ready / asset.rejected /
// asset.failed notifications here (NOTIFY_URL), so ready times arrive with the asset instead of
// being polled for. A notification's `createdAt` is the moment the asset reached that status
// (its `updatedAt` then, recorded atomically with it); the arrival time is kept too, to show
// how far notification delivery lags behind.

const http = require('node:http');
const { randomBytes, timingSafeEqual } = require('node:crypto');
const { signStandardWebhook } = require('@ingestkit/runtime');

const TERMINAL = new Set(['asset.ready', 'asset.rejected', 'asset.failed']);

/**
 * Listens on a free loopback port. `terminal` maps asset id → `{ type, status, code?,
 * readyAt (ms, server clock), arrivedAt (ms) }` for the first terminal notification of each
 * asset; `counts` has deliveries, duplicates (same webhook-id again) and bad signatures.
 * `onTerminal(assetId)` is called once per asset.
 */
async function startNotifySink({ onTerminal } = {}) {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const terminal = new Map();
  const seen = new Set();
  const counts = { deliveries: 0, duplicates: 0, badSignatures: 0, other: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const arrivedAt = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      counts.deliveries++;
      if (!hasValidSignature(req.headers, body, secret)) {
        counts.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const id = req.headers['webhook-id'];
      if (seen.has(id)) counts.duplicates++;
      seen.add(id);
      const notification = JSON.parse(body);
      const asset = notification.data.asset;
      if (TERMINAL.has(notification.type) && !terminal.has(asset.id)) {
        terminal.set(asset.id, {
          type: notification.type,
          status: asset.status,
          ...(asset.error ? { code: asset.error.code } : {}),
          readyAt: Date.parse(notification.createdAt),
          arrivedAt,
        });
        onTerminal?.(asset.id);
      } else if (!TERMINAL.has(notification.type)) counts.other++;
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/notify`,
    secret,
    terminal,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Standard Webhooks: `v1,<base64 HMAC>` over "<id>.<timestamp>.<body>" with the secret's key. */
function hasValidSignature(headers, body, secret) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const given = String(headers['webhook-signature'] ?? '');
  if (!id || !timestamp) return false;
  const expected = signStandardWebhook({ secret, id, timestampSeconds: Number(timestamp), body })['webhook-signature'];
  return given.split(' ').some((candidate) => {
    const a = Buffer.from(candidate);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  });
}

module.exports = { startNotifySink };
