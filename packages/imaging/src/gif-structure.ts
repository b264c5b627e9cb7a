import type { ReadAt } from './jpeg-segments';

/** Bytes read from the input at once while walking its blocks. */
const WINDOW = 64 * 1024;

/**
 * Whether a GIF's block structure is complete: the header, the logical screen descriptor and
 * colour table, then extensions and images whose data sub-blocks all end inside the input,
 * up to the trailer (`0x3B`). A transfer cut short fails this wherever it was cut.
 *
 * Why it exists: libnsgif (libvips' GIF loader) decodes a last frame cut short as a complete
 * frame with the missing rows blank, without a warning, so `failOn: 'warning'` alone lets a
 * truncated animated GIF through; only a cut inside the first frame fails to decode.
 *
 * Reads the input once, in windows of 64 KiB; what follows the trailer is not looked at.
 */
export async function isCompleteGif(read: ReadAt): Promise<boolean> {
  const at = windowed(read);
  const screenFlags = await at(10);
  if (screenFlags === undefined) return false;
  let position = 13 + colourTableBytes(screenFlags);
  for (;;) {
    const block = await at(position);
    if (block === 0x3b) return true;
    if (block === 0x21) {
      position += 2; // introducer, label
    } else if (block === 0x2c) {
      const imageFlags = await at(position + 9);
      if (imageFlags === undefined) return false;
      position += 10 + colourTableBytes(imageFlags) + 1; // descriptor, local colour table, LZW code size
    } else {
      return false; // the input ended, or a byte that starts no block
    }
    // data sub-blocks: a length byte, that many bytes, …, a zero length
    for (let length = await at(position); length !== 0; length = await at(position)) {
      if (length === undefined) return false;
      position += 1 + length;
    }
    position += 1;
  }
}

function colourTableBytes(flags: number): number {
  return flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0;
}

/** One byte at a position (undefined past the end), served from a window that moves forward. */
function windowed(read: ReadAt): (position: number) => Promise<number | undefined> {
  let start = 0;
  let bytes: Buffer = Buffer.alloc(0);
  return async (position) => {
    if (position < start || position >= start + bytes.length) {
      start = position;
      bytes = await read(position, WINDOW);
    }
    return bytes[position - start];
  };
}
