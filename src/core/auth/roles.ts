export const ROLES = ['citizen', 'agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'case.create',
  'case.read',
  'case.note',
  'case.dispatch',
  'case.accept',
  'case.return',
  'case.transfer',
  'case.contribute',
  'case.reply',
  'case.callback',
  'case.reopen',
  'case.close',
  'case.reject',
  'case.resolve_on_intake',
  'case.request_extension',
  'case.decide_extension',
  'case.supervise',
  'case.merge',
  'case.view_personal_data',
  // Names and phone numbers of a whole list at once, in a file that leaves the system: an administrator's step,
  // not part of handling cases (viewing them one case at a time is case.view_personal_data, each reveal audited).
  'case.export_personal_data',
  'calendar.manage',
  'reply_template.manage',
  'privacy.manage',
  'integration.manage',
  'security.manage',
  'settings.manage',
  'opendata.manage',
  'user.manage',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What each role may do, whatever the record. Which records they may do it to is the unit scope,
 * checked by each use case (see case-access.ts).
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  citizen: [],
  agent: [
    'case.create', 'case.read', 'case.note', 'case.dispatch', 'case.reject', 'case.resolve_on_intake',
    'case.callback', 'case.view_personal_data',
  ],
  dispatcher: [
    'case.create', 'case.read', 'case.note', 'case.dispatch', 'case.transfer', 'case.reject', 'case.merge',
    'case.close', 'case.reopen', 'case.callback', 'case.resolve_on_intake', 'case.view_personal_data',
  ],
  unit_handler: [
    'case.read', 'case.note', 'case.accept', 'case.return', 'case.contribute', 'case.reply',
    'case.request_extension', 'case.view_personal_data',
  ],
  unit_leader: [
    'case.read', 'case.note', 'case.accept', 'case.return', 'case.transfer', 'case.contribute', 'case.reply',
    'case.request_extension', 'case.view_personal_data',
  ],
  supervisor: [
    'case.read', 'case.note', 'case.supervise', 'case.decide_extension', 'case.reopen', 'case.close',
    'case.callback', 'case.view_personal_data', 'opendata.manage',
  ],
  // Everything, including the calendars and time limits every unit is measured by.
  admin: PERMISSIONS,
};

export const permissionsForRoles = (roles: readonly Role[]): ReadonlySet<Permission> =>
  new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
