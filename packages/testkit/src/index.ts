export * from './free-port';
export * from './docker';
export * from './redis';
export * from './s3';
export * from './fixtures';
export * from './assets';
export * from './s3-fault-proxy';
export * from './tmpfs';
