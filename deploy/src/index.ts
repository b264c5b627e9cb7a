export * from './metrics-catalog';
export { metricNamesIn } from './promql-names';
