import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IngestError, UploadTokenLimits } from '@ingestkit/contracts';

/** Every upload token starts with this, so the gateway tells it from an API key at a glance. */
export const UPLOAD_TOKEN_PREFIX = 'ut1.';

/** What a token says, signed: who minted it (a short digest of the API key), until when, and its limits. */
export const UploadTokenClaims = UploadTokenLimits.extend({
  /** Token id: the key of its `maxFiles` counter. */
  jti: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  /** Expiry, unix seconds. */
  exp: z.number().int().positive(),
  /** The minting API key's principal id (rate limits count the token against that key). */
  kid: z.string().max(64),
  scope: z.literal('upload'),
});
export type UploadTokenClaims = z.infer<typeof UploadTokenClaims>;

/**
 * Stateless, HMAC-SHA256-signed tokens (`ut1.<claims base64url>.<signature base64url>`), the
 * same idea as ImageKit's client-side upload authentication: nothing is stored at minting, the
 * gateway verifies each use with its secret. Revocation is by expiry (minutes) or by rotating
 * `GATEWAY_SIGNING_SECRET`. The MAC key is derived from the secret with a label, so a token can
 * never be mistaken for a local upload signature made with the same secret.
 */
export function createUploadTokens(secret: string) {
  const key = createHmac('sha256', secret).update('ingestkit upload-token v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    mint(input: { kid: string; limits: UploadTokenLimits; expiresInSeconds: number; now?: Date }) {
      const now = input.now ?? new Date();
      const exp = Math.floor(now.getTime() / 1000) + input.expiresInSeconds;
      const claims: UploadTokenClaims = {
        ...input.limits,
        jti: randomBytes(16).toString('base64url'),
        exp,
        kid: input.kid,
        scope: 'upload',
      };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return { token: `${UPLOAD_TOKEN_PREFIX}${payload}.${mac(payload)}`, claims, expiresAt: new Date(exp * 1000) };
    },
    /** The token's claims; `unauthorized` when it is malformed, forged or expired. */
    verify(token: string, now: Date = new Date()): UploadTokenClaims {
      const [payload, signature, ...rest] = token.slice(UPLOAD_TOKEN_PREFIX.length).split('.');
      const invalid = new IngestError('unauthorized', 'invalid upload token');
      if (!token.startsWith(UPLOAD_TOKEN_PREFIX) || !payload || !signature || rest.length > 0) throw invalid;
      const expected = Buffer.from(mac(payload));
      const presented = Buffer.from(signature);
      if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw invalid;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalid;
      }
      const claims = UploadTokenClaims.safeParse(decoded);
      if (!claims.success) throw invalid;
      if (claims.data.exp * 1000 <= now.getTime()) {
        throw new IngestError('unauthorized', 'the upload token has expired; ask your backend for a new one', {
          details: { expiredAt: new Date(claims.data.exp * 1000).toISOString() },
        });
      }
      return claims.data;
    },
  };
}

export type UploadTokens = ReturnType<typeof createUploadTokens>;
