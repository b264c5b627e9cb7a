import type { Asset } from '@ingestkit/contracts';
import { createPolicyRegistry, type OptimizePolicy } from '@ingestkit/imaging';
import type { StageDeps } from './stage-deps';

const builtinsOnly = createPolicyRegistry();

/** The asset's policy from the worker's registry (built-ins when none was given); throws `policy_unknown`. */
export function resolvePolicy(deps: Pick<StageDeps, 'policies'>, asset: Asset): OptimizePolicy {
  return (deps.policies ?? builtinsOnly).resolve({
    name: asset.policy,
    destination: asset.destination,
    overrides: asset.overrides,
  });
}
