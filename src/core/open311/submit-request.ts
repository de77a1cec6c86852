import type { Language } from '../case/case.types.js';
import { insertNewCase } from '../case/register-case.js';
import type { LocalizedText } from '../directory/directory.types.js';
import { contentHashOf, hashDeviceId, newRequestToken } from './api-key-secrets.js';
import { checkAttributes } from './attributes.js';
import { field, type Params } from './form-params.js';
import { badRequest, echoable, forbidden, GeoReportError, notFound, type GeoReportIssue } from './georeport-error.js';
import type { Open311Deps, StoredRequest } from './open311.ports.js';
import type { ApiKeyRecord, ServiceRecord, ServiceType } from './open311.types.js';

export const MAX_DESCRIPTION = 4000;
/** How long the same device posting the same content counts as one request (a double tap, a retry). */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

export type SubmitResult = {
  serviceRequestId: string;
  token: string;
  type: ServiceType;
  serviceNotice: LocalizedText | null;
  replyDays: number;
  accountId: string | null;
  /** true when this post repeated an earlier one and no new case was created. */
  isRepeat: boolean;
};

const lengthOf = (value: string): number => [...value].length;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9\s\-().]{3,28}[0-9]$/;

type Checked = {
  lat: number | null;
  lng: number | null;
  address: string | null;
  addressId: string | null;
  description: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  deviceId: string | null;
  accountId: string | null;
  mediaUrl: string | null;
};

const hasCjk = (value: string): boolean => /[\u3400-\u9fff\u0f00-\u0fff]/.test(value);

/** Chinese and Tibetan names read family name first without a space; others given name first. */
const fullName = (first: string | undefined, last: string | undefined): string | null => {
  if (!first && !last) return null;
  if (first && last) return hasCjk(first + last) ? `${last}${first}` : `${first} ${last}`;
  return (first ?? last) as string;
};

/** Every problem with the plain fields, collected so that a client can fix them all in one go. */
const checkFields = (params: Params): { checked: Checked; issues: GeoReportIssue[] } => {
  const issues: GeoReportIssue[] = [];
  const invalid = (name: string, what: string) => issues.push({ reason: 'field_invalid', description: `${name} ${what}` });
  const text = (name: string, max: number): string | null => {
    const value = field(params, name);
    if (value === undefined) return null;
    if (lengthOf(value) > max) {
      invalid(name, `must be at most ${max} characters`);
      return null;
    }
    return value;
  };

  const rawLat = field(params, 'lat');
  const rawLng = field(params, 'long');
  let lat: number | null = null;
  let lng: number | null = null;
  if ((rawLat === undefined) !== (rawLng === undefined)) {
    issues.push({ reason: 'location_invalid', description: 'lat and long must be sent together' });
  } else if (rawLat !== undefined && rawLng !== undefined) {
    const la = /^[+-]?\d+(\.\d+)?$/.test(rawLat) ? Number(rawLat) : Number.NaN;
    const lo = /^[+-]?\d+(\.\d+)?$/.test(rawLng) ? Number(rawLng) : Number.NaN;
    if (!(la >= -90 && la <= 90)) issues.push({ reason: 'location_invalid', description: 'lat must be a WGS84 latitude between -90 and 90' });
    if (!(lo >= -180 && lo <= 180)) issues.push({ reason: 'location_invalid', description: 'long must be a WGS84 longitude between -180 and 180' });
    if (Number.isFinite(la) && Number.isFinite(lo)) [lat, lng] = [la, lo];
  }
  const address = text('address_string', 300);
  const addressId = text('address_id', 100);
  const hasLocation = rawLat !== undefined || rawLng !== undefined || field(params, 'address_string') !== undefined || field(params, 'address_id') !== undefined;
  if (!hasLocation) {
    issues.push({ reason: 'location_missing', description: 'a location is required: lat and long, or address_string, or address_id' });
  }

  const rawDescription = field(params, 'description');
  let description: string | null = null;
  if (rawDescription !== undefined) {
    if (lengthOf(rawDescription) > MAX_DESCRIPTION) {
      issues.push({ reason: 'description_too_long', description: `description must be at most ${MAX_DESCRIPTION} characters` });
    } else description = rawDescription;
  }

  const email = text('email', 200);
  if (email !== null && !EMAIL.test(email)) invalid('email', 'is not an e-mail address');
  const phone = text('phone', 30);
  if (phone !== null && !PHONE.test(phone)) invalid('phone', 'is not a phone number');
  const first = text('first_name', 50) ?? undefined;
  const last = text('last_name', 50) ?? undefined;
  const mediaUrl = text('media_url', 2000);
  if (mediaUrl !== null) {
    let isUrl = false;
    try {
      const url = new URL(mediaUrl);
      isUrl = url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      isUrl = false;
    }
    if (!isUrl) invalid('media_url', 'must be an http or https URL');
  }
  return {
    checked: {
      lat,
      lng,
      address,
      addressId,
      description,
      email: email !== null && EMAIL.test(email) ? email : null,
      phone: phone !== null && PHONE.test(phone) ? phone : null,
      name: fullName(first, last),
      deviceId: text('device_id', 200),
      accountId: text('account_id', 200),
      mediaUrl,
    },
    issues,
  };
};

const titleOf = (description: string | null, service: ServiceRecord): string => {
  const firstLine = description?.split(/\r?\n/).find((l) => l.trim())?.trim();
  if (!firstLine) return service.name['zh-Hans'];
  const chars = [...firstLine];
  return chars.length > 60 ? `${chars.slice(0, 60).join('')}…` : firstLine;
};

const resultOf = (stored: StoredRequest, service: ServiceRecord, isRepeat: boolean): SubmitResult => ({
  serviceRequestId: stored.serviceRequestId,
  token: stored.token,
  type: service.type,
  serviceNotice: service.serviceNotice,
  replyDays: service.replyDays,
  accountId: stored.accountId,
  isRepeat,
});

/**
 * POST requests: one case per request, taken in by the key's unit through the `api` channel. A post that
 * repeats an earlier one — the same Idempotency-Key, or the same device sending the same content within ten
 * minutes — is answered with the first one's id and creates nothing.
 */
export const submitServiceRequest = async (
  deps: Open311Deps,
  input: { key: ApiKeyRecord; params: Params; idempotencyKey: string | null; language: Language },
): Promise<SubmitResult> => {
  const { key, params } = input;
  const serviceCode = field(params, 'service_code');
  if (!serviceCode) throw badRequest('service_code_missing', 'service_code is required');
  if (input.idempotencyKey !== null && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200)) {
    throw badRequest('field_invalid', 'the Idempotency-Key header must be 1 to 200 characters');
  }
  const now = deps.now();

  return deps.transaction(async (store) => {
    const service = await store.findService(serviceCode);
    if (!service || !service.isListed) throw notFound('service_code_not_found', `service_code ${echoable(serviceCode)} was not found`);
    if (key.serviceCodes !== null && !key.serviceCodes.includes(service.code)) {
      throw forbidden('api_key_not_allowed', `this api_key may not post service_code ${echoable(serviceCode)}`);
    }
    const { checked, issues } = checkFields(params);
    const attributes = checkAttributes(await store.listAttributes(service.categoryId), params.attributes);
    issues.push(...attributes.issues);
    if (issues.length > 0) throw new GeoReportError(400, issues);

    const contentHash = contentHashOf({
      service: service.code, lat: checked.lat, lng: checked.lng, address: checked.address, addressId: checked.addressId,
      description: checked.description, mediaUrl: checked.mediaUrl, attributes: attributes.values, email: checked.email,
      phone: checked.phone, name: checked.name, accountId: checked.accountId,
    });
    const deviceHash = checked.deviceId ? hashDeviceId(key.id, checked.deviceId) : null;

    if (input.idempotencyKey !== null) {
      await store.lockDuplicateKey(`idem:${key.id}:${input.idempotencyKey}`);
      const earlier = await store.findByIdempotencyKey(key.id, input.idempotencyKey);
      if (earlier) {
        if (earlier.contentHash !== contentHash) {
          throw badRequest('idempotency_conflict', 'this Idempotency-Key was already used for a different request');
        }
        return resultOf(earlier, service, true);
      }
    } else if (deviceHash) {
      await store.lockDuplicateKey(`device:${key.id}:${deviceHash}:${contentHash}`);
      const earlier = await store.findRecentDuplicate({ apiKeyId: key.id, deviceHash, contentHash, since: new Date(now.getTime() - DUPLICATE_WINDOW_MS) });
      if (earlier) return resultOf(earlier, service, true);
    }

    const requester = checked.name || checked.phone || checked.email
      ? { name: checked.name ?? undefined, phone: checked.phone ?? undefined, email: checked.email ?? undefined, language: input.language }
      : undefined;
    const { record } = await insertNewCase(
      store.cases,
      {
        channel: 'api',
        kind: service.caseKind,
        title: titleOf(checked.description, service),
        // The case needs a description; a request without one is described by its service.
        description: checked.description ?? service.name['zh-Hans'],
        categoryId: service.categoryId,
        address: checked.address ?? undefined,
        lat: checked.lat ?? undefined,
        lng: checked.lng ?? undefined,
        requester,
        amountClaimedFen: attributes.amountClaimedFen ?? undefined,
        publicationConsent: attributes.publicationConsent ?? undefined,
        isIdentityProtected: attributes.isIdentityProtected,
      },
      { actorId: null, actorKind: 'requester', intakeUnitId: key.intakeUnitId, now },
    );
    const token = newRequestToken();
    await store.insertRequest({
      caseId: record.id, apiKeyId: key.id, token, serviceCode: service.code, idempotencyKey: input.idempotencyKey, contentHash, deviceHash,
      accountId: checked.accountId, addressId: checked.addressId, mediaUrl: checked.mediaUrl, isDescriptionGiven: checked.description !== null,
      attributes: attributes.values, at: now,
    });
    // Staff see what the partner system sent (attribute answers, media, address id) on the case timeline.
    await store.cases.appendEvent('case', record.id, {
      actorKind: 'system',
      actorId: null,
      code: 'open311.received',
      fromStatus: record.status,
      toStatus: record.status,
      isInternal: true,
      data: { apiKey: { id: key.id, name: key.name }, serviceCode: service.code, attributes: attributes.values, mediaUrl: checked.mediaUrl, addressId: checked.addressId },
      at: now,
    });
    return resultOf({ caseId: record.id, serviceRequestId: record.trackingNo, token, serviceCode: service.code, contentHash, accountId: checked.accountId }, service, false);
  });
};
