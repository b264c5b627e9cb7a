import { Counter, Histogram, type Registry } from 'prom-client';
import type { Asset } from '@ingestkit/contracts';

export interface PipelineMetrics {
  /** Records an asset that just became `ready` (called once per asset, by the transition that made it so). */
  assetReady(asset: Asset): void;
}

/**
 * End-to-end metrics: upload accepted → ready latency, and bytes in (originals) and out
 * (delivered outputs), per destination; savings are `1 - out / in`.
 */
export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  const latency = new Histogram({
    name: 'ingestkit_asset_ready_latency_seconds',
    help: 'Time from the upload being accepted (asset created) to the asset being ready',
    labelNames: ['destination'],
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'ingestkit_asset_bytes_total',
    help: 'Bytes of ready assets: originals in, delivered outputs out',
    labelNames: ['direction', 'destination'],
    registers: [registry],
  });
  return {
    assetReady(asset) {
      const destination = asset.destination;
      latency.observe({ destination }, Math.max(0, (Date.now() - Date.parse(asset.createdAt)) / 1000));
      if (asset.original) bytes.inc({ direction: 'in', destination }, asset.original.bytes);
      if (asset.output) bytes.inc({ direction: 'out', destination }, asset.output.bytes);
    },
  };
}
