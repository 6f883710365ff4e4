import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // End-to-end tests start real servers; give slow shared machines room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
