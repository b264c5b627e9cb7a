import { throughputFor } from './throughput';

describe('throughputFor', () => {
  it('runs one image per core, one libvips thread each, cache off', () => {
    expect(throughputFor(8)).toEqual({ workerConcurrency: 8, sharpConcurrency: 1, cacheMemoryMb: 0 });
  });

  it('runs at least two images at once, even on one core', () => {
    expect(throughputFor(1)).toEqual({ workerConcurrency: 2, sharpConcurrency: 1, cacheMemoryMb: 0 });
    expect(throughputFor(0).workerConcurrency).toBe(2);
  });
});
