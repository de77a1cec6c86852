import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEVICE_COOKIE_MAX_AGE_SECONDS, DEVICE_COOKIE_NAME, deviceCookiePath, newDeviceCookie } from '../core/case/device-cookie.js';
import { fieldCryptoFor } from '../db/data-keys.js';

/** The keyed MAC of device cookies (src/core/case/device-cookie.ts), under a key of its own. */
export const deviceMac = (text: string): string => fieldCryptoFor().tokenMac('device_cookie', text);

/**
 * Gives this browser a device cookie for the case. Written as a header, because route hooks run after the
 * cookie plugin has written its cookies; Fastify adds it to those already set.
 */
export const setDeviceCookie = (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, trackingNo: string): void => {
  const cookie = app.serializeCookie(DEVICE_COOKIE_NAME, newDeviceCookie(deviceMac, trackingNo, randomBytes(18).toString('base64url')), {
    path: deviceCookiePath(trackingNo),
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  });
  void reply.header('set-cookie', cookie);
};
