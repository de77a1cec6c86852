import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

/** Routes of the access module (wiring point; filled by the module). */
export const registerAccessRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  void app;
  void deps;
};
