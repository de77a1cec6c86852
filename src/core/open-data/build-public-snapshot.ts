import type { PublicationConsent } from '../case/case.types.js';
import type { KnownPersonalData } from '../open311/scrub.js';
import { coarsenLocation, districtOf } from './districts.js';
import { maskPersonalData } from './mask-personal-data.js';
import type { OpenDataSettings, PublicationPolicy, PublicationRule, PublicStatus } from './open-data.types.js';
import { decidePolicy } from './publication-policy.js';
import { publicStatusOf } from './statistics.js';

export type CaseForPublication = {
  channel: string;
  kind: string;
  status: string;
  title: string;
  description: string;
  replyText: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  /** The case's category and its parents, innermost first. */
  categoryCodes: readonly string[];
  /** The intake and lead units and every unit above them. */
  unitCodes: readonly string[];
  isPrivate: boolean;
  /** The requester's answer to "may this be published?"; `refused` keeps the case off the portal. */
  consent: PublicationConsent;
  requester: KnownPersonalData;
};

export type PublicSnapshot = {
  policy: Exclude<PublicationPolicy, 'never'>;
  title: string;
  text: string;
  reply: string | null;
  districtCode: string | null;
  gridLat: number | null;
  gridLng: number | null;
  status: PublicStatus;
};

/** Titles are short on purpose: a long one is usually the description again. */
const TITLE_MAX = 80;

/**
 * The public form of a case, or null when it may never be published. Only anonymised text, the district and
 * a coarsened point leave this function: the address and the exact coordinates are used only to find them.
 */
export const buildPublicSnapshot = (input: CaseForPublication, rules: readonly PublicationRule[], settings: OpenDataSettings): PublicSnapshot | null => {
  const policy = decidePolicy(rules, input, settings.defaultPolicy);
  if (policy === 'never') return null;
  const districtCode = districtOf({ address: input.address, unitCodes: input.unitCodes, lat: input.lat, lng: input.lng });
  const point = coarsenLocation({ lat: input.lat, lng: input.lng, districtCode }, settings.gridMetres);
  const title = maskPersonalData(input.title, input.requester);
  return {
    policy,
    title: [...title].length > TITLE_MAX ? `${[...title].slice(0, TITLE_MAX - 1).join('')}…` : title,
    text: maskPersonalData(input.description, input.requester),
    reply: input.replyText ? maskPersonalData(input.replyText, input.requester) : null,
    districtCode,
    gridLat: point?.lat ?? null,
    gridLng: point?.lng ?? null,
    status: publicStatusOf(input.status),
  };
};
