/** Kysely table types of the access module; part of the Database type in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AccessTables = {};
