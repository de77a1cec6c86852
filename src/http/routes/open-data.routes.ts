import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

/** Routes of the open-data module (wiring point; filled by the module). */
export const registerOpenDataRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  void app;
  void deps;
};
