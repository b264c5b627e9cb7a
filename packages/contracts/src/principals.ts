import { z } from 'zod';

/**
 * Who caused something (an asset, a purge), without revealing a credential: the API key's id (a
 * digest prefix of the key) and, when it came through an upload token, the token's id. Limits
 * that hold per API key (the purge allowance) count a token against the key that minted it.
 */
export const PrincipalRef = z.object({
  keyId: z.string().min(1).max(64),
  tokenId: z.string().min(1).max(64).optional(),
});
export type PrincipalRef = z.infer<typeof PrincipalRef>;
