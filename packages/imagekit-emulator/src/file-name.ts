import { randomInt } from 'node:crypto';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Sanitises an upload `fileName` as ImageKit documents it: anything outside `a-z A-Z 0-9 . -`
 * (and `_`, which is the replacement itself) becomes `_`. The older docs also allowed Unicode
 * letters; the emulator follows the current spec, which is the stricter rule.
 */
export function sanitizeFileName(fileName: string): string {
  return fileName.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Normalises an upload `folder` to `/a/b/` form: characters outside `a-z A-Z 0-9 / _ -` become `_`,
 * repeated slashes collapse, and the result always starts and ends with `/` (the root is `/`).
 */
export function normalizeFolder(folder: string | undefined): string {
  const segments = (folder ?? '/')
    .replace(/[^A-Za-z0-9/_-]/g, '_')
    .split('/')
    .filter((segment) => segment.length > 0);
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

/** The number of folder levels in a normalised folder (`/` is 0, `/a/b/` is 2). */
export function folderDepth(folder: string): number {
  return folder.split('/').filter((segment) => segment.length > 0).length;
}

/** A random suffix like ImageKit's: 9 characters from `[A-Za-z0-9]` (the pattern is inferred from doc examples). */
export function randomSuffix(length = 9): string {
  let suffix = '';
  for (let i = 0; i < length; i += 1) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return suffix;
}

/** Inserts `_<suffix>` before the extension: `image.jpg` → `image_iEyH1dQme.jpg`. */
export function withUniqueSuffix(fileName: string, suffix: string = randomSuffix()): string {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return `${fileName}_${suffix}`;
  return `${fileName.slice(0, dot)}_${suffix}${fileName.slice(dot)}`;
}
