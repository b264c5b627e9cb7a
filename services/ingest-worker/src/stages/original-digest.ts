import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * Hex SHA-256 of a file, streamed. Validate computes it for originals the gateway never read
 * whole (direct uploads: presign, Uppy, tus), from the same local file it probes, so no byte
 * is downloaded twice.
 */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
