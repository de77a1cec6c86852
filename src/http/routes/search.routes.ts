import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

export const registerSearchRoutes = (_app: FastifyInstance, _deps: AppDeps): void => {};
