import { createLogger } from './logger';
import { installGracefulShutdown } from './shutdown';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('installGracefulShutdown', () => {
  afterEach(() => {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  });

  it('runs every step in order once, then exits 0', async () => {
    const order: string[] = [];
    const exit = jest.fn();
    const shutdown = installGracefulShutdown({
      logger,
      deadlineMs: 1_000,
      exit,
      steps: ['http', 'workers', 'redis'].map((name) => ({ name, close: async () => void order.push(name) })),
    });
    await Promise.all([shutdown(), shutdown()]);
    expect(order).toEqual(['http', 'workers', 'redis']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('keeps going after a failing step and exits 1', async () => {
    const closed: string[] = [];
    const exit = jest.fn();
    const shutdown = installGracefulShutdown({
      logger,
      deadlineMs: 1_000,
      exit,
      steps: [
        { name: 'broken', close: () => Promise.reject(new Error('nope')) },
        { name: 'redis', close: async () => void closed.push('redis') },
      ],
    });
    await shutdown();
    expect(closed).toEqual(['redis']);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 at the deadline when a step hangs', async () => {
    const exit = jest.fn();
    const shutdown = installGracefulShutdown({
      logger,
      deadlineMs: 50,
      exit,
      steps: [{ name: 'hung', close: () => new Promise(() => {}) }],
    });
    void shutdown();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('starts on SIGTERM', async () => {
    const exit = jest.fn();
    installGracefulShutdown({ logger, deadlineMs: 1_000, exit, steps: [] });
    process.emit('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exit).toHaveBeenCalledWith(0);
  });
});
