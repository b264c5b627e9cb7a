import type { DestinationKind } from './asset';
import type { PolicyDefinition } from './policies';

/**
 * Whether a new asset deduplicates (`Asset.dedupe`): what the upload or job asked, else the
 * `dedupe` of its policy as configured (`POLICIES_FILE` / `POLICIES_JSON`). `default` is the
 * policy the worker resolves it to: `master` for ImageKit, `delivery` otherwise. Built-in
 * policies do not deduplicate; an unknown policy does not either (the worker rejects it).
 */
export function dedupeOf(input: {
  asked: boolean | undefined;
  policies: Readonly<Record<string, PolicyDefinition>>;
  policy: string;
  destination: DestinationKind;
}): boolean {
  if (input.asked !== undefined) return input.asked;
  const name = input.policy === 'default' ? (input.destination === 'imagekit' ? 'master' : 'delivery') : input.policy;
  return Object.hasOwn(input.policies, name) ? input.policies[name]!.dedupe === true : false;
}

/** The header of a `dedupe` upload answered with an existing asset: that asset's id (status 200, nothing created). */
export const DUPLICATE_OF_HEADER = 'Ingest-Duplicate-Of';
