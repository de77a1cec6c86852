import type { Actor } from '../auth/actor.js';
import { checkOrganisationWideOrThrow } from '../auth/organisation-wide.js';
import type { OpenDataSettings, PublicationRule } from './open-data.types.js';

export type OpenDataConfiguration = OpenDataSettings & { rules: readonly PublicationRule[] };

/** What changing the publication settings reads and writes; the caller binds it to one transaction. */
export type OpenDataSettingsStore = {
  /** The current settings and rules, the rules in (scope, code) order. */
  load: () => Promise<OpenDataConfiguration>;
  save: (settings: OpenDataSettings, rules: readonly PublicationRule[]) => Promise<void>;
  /** Queues the refresh of every case's public snapshot, which runs after the change commits. */
  queueRefreshOfAll: () => Promise<void>;
  audit: (entry: { action: 'open_data.settings_changed'; data: { before: OpenDataConfiguration; after: OpenDataConfiguration } }) => Promise<void>;
};

const settingsOf = (c: OpenDataConfiguration): OpenDataSettings => ({
  defaultPolicy: c.defaultPolicy,
  isReviewRequired: c.isReviewRequired,
  minCell: c.minCell,
  gridMetres: c.gridMetres,
});

const ruleKey = (r: PublicationRule): string => `${r.scope}\u0000${r.code}\u0000${r.policy}`;

/** Rules are a set (one per scope and code): the order they were sent in means nothing. */
const isSameConfiguration = (a: OpenDataConfiguration, b: OpenDataConfiguration): boolean =>
  JSON.stringify(settingsOf(a)) === JSON.stringify(settingsOf(b)) &&
  JSON.stringify(a.rules.map(ruleKey).sort()) === JSON.stringify(b.rules.map(ruleKey).sort());

export type ChangeOpenDataSettingsInput = {
  actor: Pick<Actor, 'unitPath'>;
  configuration: OpenDataConfiguration;
};

/**
 * Replaces the publication settings and rules. Every case is then refreshed in the background, since a rule
 * can publish or withdraw each of them; the refresh is queued in the same transaction, so it cannot be lost.
 * Saving the settings unchanged writes nothing: no audit entry, and no refresh of every case for nothing.
 * The permission (opendata.manage) is checked by the route. The settings belong to no unit and publish the cases
 * of all of them, while every supervisor holds that permission: so only staff of a top-level unit change them,
 * refused before anything is read, even settings sent unchanged.
 */
export const changeOpenDataSettings = async (deps: { store: OpenDataSettingsStore }, input: ChangeOpenDataSettingsInput): Promise<{ isChanged: boolean }> => {
  const { store } = deps;
  const { configuration } = input;
  checkOrganisationWideOrThrow(input.actor, 'open_data_settings');
  const before = await store.load();
  if (isSameConfiguration(before, configuration)) return { isChanged: false };
  await store.save(settingsOf(configuration), configuration.rules);
  await store.queueRefreshOfAll();
  await store.audit({ action: 'open_data.settings_changed', data: { before, after: { ...settingsOf(configuration), rules: configuration.rules } } });
  return { isChanged: true };
};
