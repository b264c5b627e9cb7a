export * from './config';
export * from './start';
export * from './webhook.routes';
export * from './imagekit-event.processor';
export * from './event-dedupe';
export * from './webhook-metrics';
