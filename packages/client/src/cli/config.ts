import { IngestkitError } from '../errors';

/** Where the CLI talks to: `--url`/`--api-key`, else `INGESTKIT_URL`/`INGESTKIT_API_KEY`. */
export interface CliConfig {
  url: string;
  apiKey: string;
}

/** The gateway and key from flags, then the environment; throws naming what is missing. */
export function resolveConfig(flags: { url?: string; apiKey?: string }, env: Record<string, string | undefined>): CliConfig {
  const url = flags.url ?? env.INGESTKIT_URL;
  const apiKey = flags.apiKey ?? env.INGESTKIT_API_KEY;
  const missing = [url ? undefined : '--url or INGESTKIT_URL', apiKey ? undefined : '--api-key or INGESTKIT_API_KEY'];
  if (!url || !apiKey) {
    throw new IngestkitError({ code: 'bad_request', message: `missing ${missing.filter(Boolean).join(' and ')}` });
  }
  return { url, apiKey };
}

/** `s3://bucket/prefix` as the import source. */
export function parseS3Url(value: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(value);
  if (!match) throw new IngestkitError({ code: 'bad_request', message: `expected s3://bucket/prefix, got ${value}` });
  return { bucket: match[1]!, prefix: match[2] ?? '' };
}
