export * from './load-config';
export * from './env-types';
export * from './fragments';
export * from './policies-env';
