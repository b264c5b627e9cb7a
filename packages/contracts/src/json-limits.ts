import { z } from 'zod';

/**
 * Deepest nesting of objects and arrays metadata may have (`{"a":1}` is depth 1). Metadata are
 * labels an app attaches to an asset and gets back (and ImageKit stores as custom metadata);
 * real ones are flat or nearly so. The bound keeps every later `JSON.stringify` (Redis, job
 * payloads, ImageKit) far from the stack limit, which a few thousand levels exceed.
 */
export const MAX_METADATA_DEPTH = 8;

/** Largest metadata once serialised, in characters. */
export const MAX_METADATA_LENGTH = 16 * 1024;

/**
 * Deepest nesting any JSON request body may have. Bodies are a few levels of envelope around
 * metadata, so this is generous; it is checked on the raw text before parsing, so nothing
 * recursive ever sees a deeper document.
 */
export const MAX_JSON_BODY_DEPTH = 32;

/**
 * Whether a parsed JSON value nests objects/arrays deeper than `max`. Iterative (an explicit
 * stack, stopping as soon as the bound is passed), so a hostile value cannot overflow the call
 * stack the way a recursive walk or `JSON.stringify` would.
 */
export function isNestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The deepest nesting of objects/arrays in a JSON text, by scanning it (brackets inside strings
 * do not count). Linear and iterative; the text need not be valid JSON.
 */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

/**
 * An asset's metadata as every flow receives it (a multipart form field once parsed, presign
 * and job bodies, Uppy's file metadata): a JSON object at most {@link MAX_METADATA_DEPTH} deep
 * and {@link MAX_METADATA_LENGTH} characters serialised. Depth is checked first, so measuring
 * the size can never overflow the stack.
 */
export const AssetMetadata = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  if (isNestedDeeperThan(value, MAX_METADATA_DEPTH)) {
    ctx.addIssue({ code: 'custom', message: `metadata nests deeper than ${MAX_METADATA_DEPTH} levels` });
  } else if (JSON.stringify(value).length > MAX_METADATA_LENGTH) {
    ctx.addIssue({ code: 'custom', message: `metadata is larger than ${MAX_METADATA_LENGTH / 1024} KiB` });
  }
});
export type AssetMetadata = z.infer<typeof AssetMetadata>;
