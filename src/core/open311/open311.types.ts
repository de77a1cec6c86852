import type { LocalizedText } from '../directory/directory.types.js';
import type { Kind } from '../case/case.types.js';

/** Response formats of GeoReport v2: the resource suffix (`services.xml`, `requests/123.json`). */
export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export const ATTRIBUTE_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type AttributeDatatype = (typeof ATTRIBUTE_DATATYPES)[number];

/**
 * `realtime`: the id comes back at once; `batch`: a token comes back, resolved later with GET tokens;
 * `blackbox`: neither. Bihuan registers every case at once, so this only says what the client is told.
 */
export const SERVICE_TYPES = ['realtime', 'batch', 'blackbox'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/**
 * Where an attribute's value also goes on the case itself, besides the request's own record.
 * `publication_consent`: GeoReport v2 has no field for the requester's consent to anonymised publication, so a
 * service carries it as a single-value list whose keys are `granted` and `refused` (docs/open311.md).
 * `identity_protection`: nor for the requester's wish that the handling units not learn who they are (举报人保护,
 * src/core/case/identity-protection.ts): a single-value list whose keys are `requested` and `not_requested`.
 */
export const ATTRIBUTE_TARGETS = ['amount_claimed_yuan', 'publication_consent', 'identity_protection'] as const;
/** The keys a `publication_consent` attribute may offer: the answers a requester can give. */
export const CONSENT_ATTRIBUTE_KEYS = ['granted', 'refused'] as const;
/** The keys an `identity_protection` attribute may offer. */
export const PROTECTION_ATTRIBUTE_KEYS = ['requested', 'not_requested'] as const;
export type AttributeTarget = (typeof ATTRIBUTE_TARGETS)[number];

export type AttributeValueOption = { key: string; name: LocalizedText };

export type AttributeDefinition = {
  code: string;
  datatype: AttributeDatatype;
  isVariable: boolean;
  isRequired: boolean;
  datatypeDescription: LocalizedText | null;
  description: LocalizedText;
  order: number;
  values: AttributeValueOption[];
  mapsTo: AttributeTarget | null;
};

/** A category as an Open311 service, with the settings this module keeps for it. */
export type ServiceRecord = {
  categoryId: string;
  code: string;
  name: LocalizedText;
  group: LocalizedText | null;
  description: LocalizedText | null;
  keywords: string[];
  type: ServiceType;
  caseKind: Kind;
  serviceNotice: LocalizedText | null;
  isListed: boolean;
  /** Requests of this service appear in the public GET requests; others only for the key that posted them. */
  isPublic: boolean;
  replyDays: number;
};

export type ApiKeyRecord = {
  id: string;
  name: string;
  intakeUnitId: string;
  /** null: every listed service. */
  serviceCodes: string[] | null;
  rateLimitPerMinute: number;
  isActive: boolean;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** null: every public event. */
  webhookEvents: string[] | null;
};

/** The public status of GeoReport v2. */
export type OpenClosed = 'open' | 'closed';

/** FixMyStreet's extended statuses for `servicerequestupdates`, spelled as in its specification. */
export const EXTENDED_STATUSES = [
  'OPEN', 'INVESTIGATING', 'IN_PROGRESS', 'ACTION_SCHEDULED', 'INTERNAL_REFERRAL', 'FIXED', 'CLOSED', 'DUPLICATE',
  'NOT_COUNCILS_RESPONSIBILITY', 'NO_FURTHER_ACTION', 'REOPEN',
] as const;
export type ExtendedStatus = (typeof EXTENDED_STATUSES)[number];
