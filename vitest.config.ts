import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Tests never reach the internet; fail fast rather than hang if one tries.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
