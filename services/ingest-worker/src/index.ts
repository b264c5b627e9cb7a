export * from './config';
export * from './register';
export * from './start';
export * from './destinations/destination';
export * from './destinations/store-destination';
export * from './destinations/imagekit-destination';
export * from './sources/source-fetcher';
export * from './originals/retention-index';
