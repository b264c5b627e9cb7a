export {
  planPurges,
  type PendingPurge,
  type PlanPurgesInput,
  type PlannedPurge,
  type PurgePlan,
  type PurgeRequest,
} from './plan-purges';
export { isAllowedWildcard, pathAfterEndpoint, ruleCovers } from './wildcard';
export { monthKey } from './month-key';
export { createRedisPurgeStore, type InFlightPurge, type PurgeStore } from './purge-store';
export { requestPurge, requestSupersededPurge, unversionedUrl, type RequestPurgeInput } from './request-purge';
