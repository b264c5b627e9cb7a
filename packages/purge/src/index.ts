export { planPurges, type PlanPurgesInput, type PlannedPurge, type PurgePlan, type PurgeRequest } from './plan-purges';
export { isAllowedWildcard, pathAfterEndpoint, ruleCovers } from './wildcard';
export { monthKey } from './month-key';
