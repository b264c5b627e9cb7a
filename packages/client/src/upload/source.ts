import { IngestkitError } from '../errors';
import { SNIFF_BYTES, sniffImageType } from '../sniff';

/** What `upload` takes: a Blob (or File), bytes (a Buffer is one), a web or Node stream, or (Node only) a path. */
export type UploadInput = Blob | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | string;

/** A file ready to send: re-readable (retries, parts), with its size, name and sniffed type. */
export interface UploadSource {
  blob: Blob;
  name: string;
  /** From the first bytes; `application/octet-stream` when they are not an image (the server refuses it). */
  contentType: string;
}

/** Opens a path as a file-backed Blob; only the Node entry provides one. */
export type FileOpener = (path: string) => Promise<{ blob: Blob; name: string }>;

/**
 * Makes any input a re-readable Blob. Paths become file-backed Blobs (nothing is read into
 * memory); streams, which cannot be read twice, are collected into memory first.
 */
export async function toUploadSource(input: UploadInput, name: string | undefined, open?: FileOpener): Promise<UploadSource> {
  let blob: Blob;
  let fallbackName = 'upload';
  if (typeof input === 'string') {
    if (!open) throw new IngestkitError({ code: 'bad_request', message: 'paths can be uploaded from Node only' });
    const opened = await open(input);
    blob = opened.blob;
    fallbackName = opened.name;
  } else if (input instanceof Blob) {
    blob = input;
    if ('name' in input && typeof input.name === 'string' && input.name) fallbackName = input.name;
  } else if (input instanceof Uint8Array) {
    blob = new Blob([input as Uint8Array<ArrayBuffer>]);
  } else {
    blob = await collect(input);
  }
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  return { blob, name: name ?? fallbackName, contentType: sniffImageType(head) ?? 'application/octet-stream' };
}

async function collect(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Blob> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  if (Symbol.asyncIterator in stream) {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) chunks.push(chunk as Uint8Array<ArrayBuffer>);
    return new Blob(chunks);
  }
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value as Uint8Array<ArrayBuffer>);
  return new Blob(chunks);
}

/** A body that reports bytes as the server reads them (Node streams request bodies; see `isStreamingBodySupported`). */
export function countingStream(blob: Blob, onBytes: (bytes: number) => void): ReadableStream<Uint8Array> {
  return blob.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Whether fetch can stream a request body here: Node's can; browsers' mostly cannot over HTTP/1.1. */
export function isStreamingBodySupported(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}
