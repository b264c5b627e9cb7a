export * from './config';
export * from './gateway';
export * from './start';
export * from './assets/retry';
export * from './reprocess/run-store';
export * from './reprocess/start-run-driver';
