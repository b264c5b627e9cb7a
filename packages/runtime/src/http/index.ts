export * from './http-app';
export * from './error-handler';
export * from './listen';
