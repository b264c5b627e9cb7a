export * from './errors';
export * from './ids';
export * from './asset';
export * from './uploads';
export * from './imagekit-events';
export * from './notifications';
export * from './jobs';
export * from './keys';
