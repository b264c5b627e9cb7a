export * from './config';
export * from './logger';
export * from './redis';
export * from './metrics';
export * from './queues';
export * from './stage-worker';
export * from './http';
export * from './shutdown';
