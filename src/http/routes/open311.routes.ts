import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.js';

export const registerOpen311Routes = (_app: FastifyInstance, _deps: AppDeps): void => {};
