import type { Actor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { requestLexemes } from '../search/search-document.js';
import type { DuplicateSettings } from './duplicate-settings.js';
import { findDuplicates, type DuplicateProbe, type DuplicateStore, type DuplicateSuggestion } from './find-duplicates.js';
import { requesterKeys } from './requester-key.js';

/** What the duplicate use cases need besides the candidate look-ups. */
export type DuplicateDeps = {
  store: DuplicateStore;
  settings: () => Promise<DuplicateSettings>;
  /** The ids among these the actor may see. */
  visibleIds: (actor: Actor, ids: readonly string[]) => Promise<Set<string>>;
  /**
   * The ids among these whose requester the actor may learn about (src/core/case/identity-protection.ts): "same
   * requester" would otherwise tie a protected report to its author's other cases.
   */
  requesterVisibleIds: (actor: Actor, ids: readonly string[]) => Promise<Set<string>>;
  /** An existing case as a probe (from its search row, or from the case when not indexed yet); null if unknown. */
  probeOfCase: (caseId: string) => Promise<DuplicateProbe | null>;
  linkedIds: (caseId: string) => Promise<Set<string>>;
  now: () => Date;
};

/** The intake form before registration. */
export type IntakeText = {
  title: string;
  description: string;
  lat?: number;
  lng?: number;
  requester?: { phone?: string; idNumber?: string };
  /** A case being edited is not its own duplicate. */
  excludeCaseId?: string;
};

export type VisibleSuggestion = DuplicateSuggestion & { isLinked: boolean };

/** Candidates beyond the shown ones, so that hiding those outside the caller's scope still leaves enough. */
const OVERFETCH = 3;

const visibleOnly = async (deps: DuplicateDeps, actor: Actor, found: DuplicateSuggestion[], settings: DuplicateSettings, linked: Set<string>): Promise<VisibleSuggestion[]> => {
  const visible = await deps.visibleIds(actor, found.map((s) => s.caseId));
  return found
    .filter((s) => visible.has(s.caseId))
    .slice(0, settings.maxSuggestions)
    .map((s) => ({ ...s, isLinked: linked.has(s.caseId) }));
};

/** Likely duplicates of a request being taken in (POST /duplicates/check). */
export const checkIntake = async (deps: DuplicateDeps, input: { actor: Actor; intake: IntakeText }): Promise<VisibleSuggestion[]> => {
  const settings = await deps.settings();
  const { intake } = input;
  const probe: DuplicateProbe = {
    lexemes: requestLexemes(intake.title, intake.description),
    requesterKeys: requesterKeys({ phone: intake.requester?.phone, idNumber: intake.requester?.idNumber }),
    location: intake.lat !== undefined && intake.lng !== undefined ? { lat: intake.lat, lng: intake.lng } : null,
    at: deps.now(),
    excludeIds: intake.excludeCaseId ? [intake.excludeCaseId] : [],
  };
  const found = await findDuplicates(deps.store, probe, settings, {
    limit: settings.maxSuggestions * OVERFETCH,
    reader: input.actor,
  });
  return visibleOnly(deps, input.actor, found, settings, new Set());
};

/** Likely duplicates of an existing case (GET /cases/{id}/duplicates); a case out of scope is "not found". */
export const duplicatesOfCase = async (deps: DuplicateDeps, input: { actor: Actor; caseId: string }): Promise<VisibleSuggestion[]> => {
  const visible = await deps.visibleIds(input.actor, [input.caseId]);
  const indexed = visible.has(input.caseId) ? await deps.probeOfCase(input.caseId) : null;
  if (!indexed) throw new AppError('case.not_found', 'no such case', { id: input.caseId });
  // A case whose requester is withheld from the caller is not matched by requester at all (asked only when there
  // is a requester to match: most cases' look-ups need no second statement).
  const isRequesterVisible = indexed.requesterKeys.length === 0 || (await deps.requesterVisibleIds(input.actor, [input.caseId])).has(input.caseId);
  const probe = isRequesterVisible ? indexed : { ...indexed, requesterKeys: [] };
  const settings = await deps.settings();
  const found = await findDuplicates(deps.store, probe, settings, {
    limit: settings.maxSuggestions * OVERFETCH,
    reader: input.actor,
  });
  return visibleOnly(deps, input.actor, found, settings, await deps.linkedIds(input.caseId));
};
