export * from './load-config';
export * from './env-types';
export * from './fragments';
export * from './direct-upload-env';
export * from './tus-env';
export * from './policies-env';
export * from './http-edge-env';
export * from './purge-allowance-env';
