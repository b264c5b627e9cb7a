export * from './metrics-catalog';
export { literalValues, metricNamesIn, selectorsIn, type LabelMatcher } from './promql-names';
