/** Kysely table types of the callbacks module; part of the Database type in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type CallbacksTables = {};
