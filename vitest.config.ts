import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at a time even on a 2-core machine (vitest's default would be one): most of the
    // long files wait on child processes, sockets and venue countdowns rather than on the CPU.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
