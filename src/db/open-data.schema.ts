/** Kysely table types of the open-data module; part of the Database type in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type OpenDataTables = {};
