import { IngestError, type DestinationKind, type PolicyDefinition, type PolicyOverrides } from '@ingestkit/contracts';
import { builtinPolicies, policyDefaults } from './builtin-policies';
import type { OptimizePolicy } from './policy';

/** The name uploads use when they ask for nothing in particular. */
export const DEFAULT_POLICY_NAME = 'default';

/** What one asset asks for: its `policy` field, its destination and its overrides. */
export interface PolicyRequest {
  name: string;
  destination: DestinationKind;
  overrides?: PolicyOverrides | undefined;
}

/** The policies of a deployment: built-ins plus configured ones. */
export interface PolicyRegistry {
  /** Every policy name an upload may use (besides `default`), sorted. */
  names(): string[];
  /**
   * The policy an asset gets. `default` follows the destination: `master` for ImageKit (it
   * re-encodes at delivery), `delivery` for S3 and local. Overrides are bounded: the box only
   * shrinks (larger values are clamped to the policy's), quality never drops below the
   * policy's floor (85 on master policies), and AVIF only where the policy allows it.
   *
   * @throws IngestError `policy_unknown` for a name that is not defined; `bad_request` for an
   *   AVIF override on a policy that does not allow AVIF.
   */
  resolve(request: PolicyRequest): OptimizePolicy;
}

/**
 * Builds the registry from configured definitions (`POLICIES_FILE` / `POLICIES_JSON`, already
 * validated by the `PolicyFile` schema); they replace built-ins of the same name. Redefining
 * `delivery` or `master` changes what `default` means.
 */
export function createPolicyRegistry(configured: Readonly<Record<string, PolicyDefinition>> = {}): PolicyRegistry {
  if (DEFAULT_POLICY_NAME in configured) {
    throw new RangeError(`"${DEFAULT_POLICY_NAME}" is reserved: it means delivery or master by destination`);
  }
  const policies = new Map<string, OptimizePolicy>();
  for (const [name, definition] of Object.entries({ ...builtinPolicies, ...configured })) {
    policies.set(name, completePolicy(name, definition));
  }
  return {
    names: () => [...policies.keys()].sort(),
    resolve({ name, destination, overrides }) {
      const resolvedName = name === DEFAULT_POLICY_NAME ? (destination === 'imagekit' ? 'master' : 'delivery') : name;
      const policy = policies.get(resolvedName);
      if (!policy) {
        throw new IngestError('policy_unknown', `no policy is named "${name}"`, {
          details: { policy: name, known: [DEFAULT_POLICY_NAME, ...policies.keys()] },
        });
      }
      return overrides ? applyOverrides(policy, overrides) : policy;
    },
  };
}

function completePolicy(name: string, definition: PolicyDefinition): OptimizePolicy {
  const base = policyDefaults[definition.kind];
  const defined = Object.fromEntries(
    Object.entries(definition).filter(([, value]) => value !== undefined),
  ) as Partial<OptimizePolicy>;
  const policy: OptimizePolicy = { ...base, ...defined, name };
  return Object.freeze({
    ...policy,
    quality: clampQuality(policy.quality, policy.minQuality),
    variantWidths: variantsOf(policy),
  });
}

/** Master policies make no variants, whatever a definition says. */
function variantsOf(policy: OptimizePolicy): readonly number[] {
  return policy.kind === 'master' ? [] : Object.freeze([...new Set(policy.variantWidths)].sort((a, b) => a - b));
}

function applyOverrides(policy: OptimizePolicy, overrides: PolicyOverrides): OptimizePolicy {
  if (overrides.format === 'avif' && !policy.allowAvif) {
    throw new IngestError('bad_request', `policy "${policy.name}" does not allow AVIF output`, {
      details: { policy: policy.name, format: 'avif' },
    });
  }
  return Object.freeze({
    ...policy,
    ...(overrides.format ? { format: overrides.format } : {}),
    ...(overrides.quality === undefined ? {} : { quality: clampQuality(overrides.quality, policy.minQuality) }),
    maxWidth: Math.min(policy.maxWidth, overrides.maxWidth ?? policy.maxWidth),
    maxHeight: Math.min(policy.maxHeight, overrides.maxHeight ?? policy.maxHeight),
  });
}

function clampQuality(quality: OptimizePolicy['quality'], floor: number): OptimizePolicy['quality'] {
  return quality === 'auto' ? quality : Math.max(quality, floor);
}
