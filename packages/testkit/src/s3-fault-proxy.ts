import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to a request instead of (or on top of) forwarding it:
 * - `slow-down`: 503 with S3's `SlowDown` error XML (throttling);
 * - `internal-error`: 500 `InternalError`;
 * - `service-unavailable`: 503 `ServiceUnavailable`;
 * - `storage-full`: 507 `XMinioStorageFull` (what MinIO answers when its disks are full);
 * - `drop-connection`: destroys the socket without answering;
 * - `truncate-body`: forwards, sends the real headers (with `Content-Length`) but only half the
 *   body, then destroys the socket;
 * - `corrupt-body`: forwards, flips one byte of the body, keeps every header.
 */
export type S3FaultKind =
  | 'slow-down'
  | 'internal-error'
  | 'service-unavailable'
  | 'storage-full'
  | 'drop-connection'
  | 'hang'
  | 'truncate-body'
  | 'corrupt-body';

/** One request the proxy received. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/bucket/key?uploads`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The fault it got, if any. */
  fault?: S3FaultKind;
}

/** A fault-injecting HTTP proxy in front of an S3-compatible server. */
export interface S3FaultProxy {
  /** Give this to `createS3Client` instead of the server's endpoint. */
  endpoint: string;
  /** The next `count` requests (default 1) matching `method` (default any) get `kind`. */
  inject(kind: S3FaultKind, options?: { count?: number; method?: string }): void;
  /** Every request received so far, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** Forgets pending faults and recorded requests. */
  reset(): void;
  stop(): Promise<void>;
}

/** Options of {@link startS3FaultProxy}. */
export interface S3FaultProxyOptions {
  /** The real server, e.g. `TestS3.endpoint`. */
  target: string;
  /**
   * Plays a store that keeps checksums (s3rver does not): a whole-object `200` GET without an
   * `x-amz-checksum-sha256` header gets one, computed over the body the server sent — before any
   * `corrupt-body` fault flips a byte. Buffers such bodies whole: for small test objects only.
   */
  addChecksums?: boolean;
}

const ERRORS: Partial<Record<S3FaultKind, { status: number; code: string; message: string }>> = {
  'slow-down': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  'internal-error': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  'service-unavailable': { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' },
  'storage-full': {
    status: 507,
    code: 'XMinioStorageFull',
    message: 'Storage backend has reached its minimum free drive threshold.',
  },
};

/**
 * Starts a real HTTP proxy on a free port that forwards every request to `target` unchanged
 * (the AWS SDK's requests, signatures and bodies included) and answers the ones chosen with
 * {@link S3FaultProxy.inject} with real HTTP faults, so the SDK's retry and checksum code runs
 * as it would against a failing S3. Stop it in `afterAll`.
 */
export async function startS3FaultProxy(options: S3FaultProxyOptions): Promise<S3FaultProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true });
  let pending: Array<{ kind: S3FaultKind; method?: string }> = [];
  const requests: ProxiedRequest[] = [];

  const takeFault = (method: string): S3FaultKind | undefined => {
    const index = pending.findIndex((fault) => fault.method === undefined || fault.method === method);
    return index === -1 ? undefined : pending.splice(index, 1)[0]!.kind;
  };

  const server = http.createServer((req, res) => {
    const fault = takeFault(req.method ?? 'GET');
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, ...(fault ? { fault } : {}) });
    if (fault === 'drop-connection') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      // Reads the request and never answers, as a stuck server or a black-holed route would.
      req.resume();
      return;
    }
    const error = fault && ERRORS[fault];
    if (error) {
      req.resume();
      answerError(req, res, error);
      return;
    }
    forward(req, res, fault);
  });

  function forward(req: IncomingMessage, res: ServerResponse, fault: S3FaultKind | undefined): void {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        const isWholeGet = req.method === 'GET' && answer.statusCode === 200;
        const mustBuffer = isWholeGet && (fault === 'corrupt-body' || fault === 'truncate-body' || options.addChecksums);
        if (!mustBuffer) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => sendBuffered(res, answer, Buffer.concat(chunks), fault));
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  function sendBuffered(res: ServerResponse, answer: IncomingMessage, body: Buffer, fault: S3FaultKind | undefined): void {
    const headers = { ...answer.headers };
    if (options.addChecksums && headers['x-amz-checksum-sha256'] === undefined) {
      headers['x-amz-checksum-sha256'] = createHash('sha256').update(body).digest('base64');
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    res.writeHead(answer.statusCode ?? 200, headers);
    if (fault === 'truncate-body') {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    if (fault === 'corrupt-body' && body.length > 0) {
      const corrupted = Buffer.from(body);
      corrupted[corrupted.length >> 1]! ^= 0xff;
      res.end(corrupted);
      return;
    }
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject(kind, injectOptions = {}) {
      for (let i = 0; i < (injectOptions.count ?? 1); i++) pending.push({ kind, method: injectOptions.method });
    },
    requests,
    reset() {
      pending = [];
      requests.length = 0;
    },
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      })),
  };
}

function answerError(req: IncomingMessage, res: ServerResponse, error: { status: number; code: string; message: string }): void {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${error.message}</Message>` +
    `<Resource>${escapeXml(req.url ?? '/')}</Resource><RequestId>fault-proxy</RequestId></Error>`;
  // HEAD answers have no body (the SDK then names the error by its status).
  res.writeHead(error.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(req.method === 'HEAD' ? undefined : xml);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
