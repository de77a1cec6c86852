import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

export const registerStatsRoutes = (_app: FastifyInstance, _deps: AppDeps): void => {};
