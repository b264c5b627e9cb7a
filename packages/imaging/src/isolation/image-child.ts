// Entry point of an image pool child process (see image-pool.ts). Runs one request at a time
// from the parent over IPC and answers with the result or the error's code, message and details.
import { IngestError, isIngestError } from '@ingestkit/contracts';
import { configureSharp } from '../sharp-setup';
import { inProcessRunner } from './image-runner';
import type { ChildReply, ChildRequest } from './protocol';

configureSharp({
  concurrency: Number(process.env['INGESTKIT_SHARP_CONCURRENCY'] ?? 1),
  cacheMemoryMb: Number(process.env['INGESTKIT_SHARP_CACHE_MB'] ?? 0),
});

process.on('message', (message: ChildRequest) => {
  void handle(message).then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0));

async function handle(request: ChildRequest): Promise<ChildReply> {
  try {
    const result =
      request.op === 'probe'
        ? await inProcessRunner.probe(request.path, request.limits)
        : await inProcessRunner.optimize(request.path, request.policy, request.limits);
    return { id: request.id, ok: true, result };
  } catch (err) {
    const error = classify(err);
    return { id: request.id, ok: false, error: { code: error.code, message: error.message, details: error.details } };
  }
}

/**
 * An allocation refused by this process's memory cap surfaces as libvips' "out of memory",
 * libjpeg's "Insufficient memory" or glib's "Error creating thread" (thread stacks count
 * against the cap), whatever code `toImagingError` gave it upstream.
 */
function classify(err: unknown): IngestError {
  const message = err instanceof Error ? err.message : String(err);
  if (/out of memory|insufficient memory|cannot allocate|error creating thread/i.test(message)) {
    return new IngestError('resource_limit_exceeded', 'image needs more memory than a worker may use for one image', {
      details: { reason: 'memory' },
      cause: err,
    });
  }
  if (err instanceof IngestError) return err;
  if (isIngestError(err)) return new IngestError(err.code, err.message, { details: err.details });
  return new IngestError('internal_error', message, { cause: err });
}
