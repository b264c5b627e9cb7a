import type { Readable } from 'node:stream';

/**
 * Destroys a `put` body with the store's own (normalised) error, so whoever feeds the body —
 * typically an upload request piped into it — fails with the store's reason (`storage_full`…)
 * instead of a bare premature close or a raw errno error. `put` rejects with the same error,
 * so a body nobody else listens to does not also need an `'error'` listener of its own.
 */
export function failPutBody(body: Readable, error: Error): void {
  body.once('error', () => {});
  body.destroy(error);
}
