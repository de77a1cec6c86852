import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Browser tests on two shared cores can take tens of seconds when the machine is busy.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: more workers only fight over them and the database.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
