export { SNIFF_BYTES, sniffImageFormat } from './sniff';
export { allowedLoaders, configureSharp, type SharpSettings, type SharpSetupOptions } from './sharp-setup';
export { defaultImagingLimits, type ImagingLimits } from './limits';
export { inspectImage, probeImage, type ImageInfo } from './probe';
export { defaultPolicy, type OptimizePolicy } from './policy';
export { optimizeImage, type OptimizedImage } from './optimize';
export { imageContentType } from './content-type';
export { toImagingError } from './sharp-errors';
export type { ImageInput } from './open-image';
