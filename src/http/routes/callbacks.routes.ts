import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

/** Routes of the callbacks module (wiring point; filled by the module). */
export const registerCallbacksRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  void app;
  void deps;
};
