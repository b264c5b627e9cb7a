/**
 * The part of XMLHttpRequest that `@imagekit/javascript`'s `upload()` uses, over fetch, for
 * Node. The library always posts to ImageKit's upload host; this shim sends that request to
 * `target` instead (the emulator), which is what its `xhr` option is for.
 */
export class FetchXhr {
  status = 0;
  responseText = '';
  upload: { onprogress?: (event: unknown) => void } = {};
  onload?: () => void;
  onerror?: (error: unknown) => void;
  private url = '';
  private method = 'GET';
  private headers = new Headers();
  private readonly controller = new AbortController();
  private readonly loadEnd: Array<() => void> = [];

  constructor(private readonly target: string) {}

  open(method: string, url: string): void {
    this.method = method;
    this.url = url.replace(/^https:\/\/upload\.imagekit\.io/, this.target);
  }

  addEventListener(event: string, listener: () => void): void {
    if (event === 'loadend') this.loadEnd.push(listener);
  }

  abort(): void {
    this.controller.abort();
  }

  getAllResponseHeaders(): string {
    return [...this.headers].map(([name, value]) => `${name}: ${value}`).join('\r\n');
  }

  send(body: FormData): void {
    fetch(this.url, { method: this.method, body, signal: this.controller.signal })
      .then(async (response) => {
        this.status = response.status;
        this.headers = response.headers;
        this.responseText = await response.text();
        this.onload?.();
      })
      .catch((err: unknown) => this.onerror?.(err))
      .finally(() => this.loadEnd.forEach((listener) => listener()));
  }
}
