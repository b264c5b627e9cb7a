export * from './http-app';
export * from './error-handler';
export * from './listen';
export * from './min-body-rate';
export * from './json-body';
export * from './operational-routes';
