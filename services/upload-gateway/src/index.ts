export * from './config';
export * from './gateway';
export * from './start';
export * from './assets/retry';
