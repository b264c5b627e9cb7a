import type { ErrorCode } from '@ingestkit/contracts';
import type { ImagingLimits } from '../limits';
import type { OptimizedImage } from '../optimize';
import type { OptimizePolicy } from '../policy';
import type { ImageInfo } from '../probe';

/** One image operation for a child. */
export type ChildWork =
  | { op: 'probe'; path: string; limits: ImagingLimits }
  | { op: 'optimize'; path: string; policy: OptimizePolicy; limits: ImagingLimits };

/** Parent → child: the work and its id. Sent with `serialization: 'advanced'` (Buffers travel as bytes). */
export type ChildRequest = ChildWork & { id: number };

/** Child → parent: the result, or the error as data (classes do not cross processes). */
export type ChildReply =
  | { id: number; ok: true; result: ImageInfo | OptimizedImage }
  | { id: number; ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> | undefined } };
