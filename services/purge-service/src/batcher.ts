export interface Batcher<T, R> {
  /** Adds an item to the open batch; settles with its own result once the batch is flushed. */
  add(item: T): Promise<R>;
  /** Flushes the open batch now (used at shutdown and by tests). */
  flush(): Promise<void>;
}

export interface BatcherOptions<T, R> {
  /** A batch is flushed this long after its first item arrived… */
  windowMs: number;
  /** …or as soon as it holds this many items. */
  max: number;
  /**
   * Handles one batch; returns one result per item, in order, or an `Error` for an item that
   * failed. If it throws, every item of the batch rejects with that error.
   */
  handle(items: readonly T[]): Promise<ReadonlyArray<R | Error>>;
}

interface Entry<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Gathers items into windowed batches. Batches are handled one at a time, in order: a plan must
 * see the budget the previous batch left.
 */
export function createBatcher<T, R>(options: BatcherOptions<T, R>): Batcher<T, R> {
  let open: Entry<T, R>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = open;
    open = [];
    if (batch.length > 0) chain = chain.then(() => run(batch));
    return chain;
  };

  const run = async (batch: Entry<T, R>[]): Promise<void> => {
    try {
      const results = await options.handle(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const result = results[index];
        if (result instanceof Error) entry.reject(result);
        else if (result === undefined) entry.reject(new Error('batch handler returned no result for an item'));
        else entry.resolve(result);
      });
    } catch (err) {
      for (const entry of batch) entry.reject(err);
    }
  };

  return {
    add(item) {
      const settled = new Promise<R>((resolve, reject) => open.push({ item, resolve, reject }));
      if (open.length >= options.max) void flush();
      else timer ??= setTimeout(() => void flush(), options.windowMs);
      return settled;
    },
    flush,
  };
}
