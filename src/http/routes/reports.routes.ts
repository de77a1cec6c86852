import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

/** Routes of the reports module (wiring point; filled by the module). */
export const registerReportsRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  void app;
  void deps;
};
