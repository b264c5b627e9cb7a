/**
 * Longest segment of a storage key (a folder name), in characters: the common file-system limit
 * (ext4, APFS, NTFS) that the local store and most S3 tools share; ImageKit refuses longer
 * folder names. Folders are ASCII, so characters are bytes.
 */
export const MAX_KEY_SEGMENT_LENGTH = 255;

/**
 * Longest folder path. With the asset id and the file name (cut to 200 characters by the
 * gateway) a destination key stays well under S3's 1024 bytes and ImageKit's path limit.
 */
export const MAX_FOLDER_LENGTH = 512;

/**
 * The one rule for key lengths at intake: why `path` (`/`-separated, no leading or trailing
 * slash) cannot be part of a storage key, or undefined when it can.
 */
export function keyPathProblem(path: string): string | undefined {
  if (path.length > MAX_FOLDER_LENGTH) return `longer than ${MAX_FOLDER_LENGTH} characters`;
  const long = path.split('/').find((segment) => segment.length > MAX_KEY_SEGMENT_LENGTH);
  return long === undefined ? undefined : `a segment is longer than ${MAX_KEY_SEGMENT_LENGTH} characters`;
}
