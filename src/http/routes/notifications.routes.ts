import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

export const registerNotificationsRoutes = (_app: FastifyInstance, _deps: AppDeps): void => {};
