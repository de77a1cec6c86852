import { describe, expect, it } from 'vitest';
import { isPlanStable, isPreparingEnabled } from './prepared-statements.js';

const params = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');

describe('isPlanStable', () => {
  it('names look-ups, inserts and updates by key', () => {
    expect(isPlanStable('select "cases".*, "intake"."path" from "cases" inner join "units" as "intake" on "intake"."id" = "cases"."intake_unit_id" where "cases"."id" = $1', 1)).toBe(true);
    expect(isPlanStable(`insert into "work_item_events" ("item_kind", "item_id", "seq") values (${params(3)})`, 3)).toBe(true);
    expect(isPlanStable('update "cases" set "status" = $1, "updated_at" = $2 where "id" = $3', 3)).toBe(true);
    expect(isPlanStable('select "e"."id" from "work_item_events" as "e" where "e"."item_kind" = $1 and "e"."item_id" = $2 order by "e"."seq"', 2)).toBe(true);
    expect(isPlanStable('insert into "t" ("a", "b") values ($1, $2) on conflict ("a") do update set "b" = $3', 3)).toBe(true);
    expect(isPlanStable('select "id" from "sessions" where "token_hash" = $1', 1)).toBe(true);
  });

  it('leaves unnamed what depends on the values: scopes, text search, patterns, paging', () => {
    expect(isPlanStable('select 1 from "units" as "iu" where iu.path <@ $1::ltree', 1)).toBe(false);
    expect(isPlanStable('select 1 from "units" where path @> $1::ltree', 1)).toBe(false);
    expect(isPlanStable('select 1 from "case_search" as "qs" where qs.document @@ $1::tsquery', 1)).toBe(false);
    expect(isPlanStable('select "id" from "units" where "code" like $1', 1)).toBe(false);
    expect(isPlanStable('select "id" from "units" where "code" ILIKE $1', 1)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where similarity("title", $1) > 0.3', 1)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "title" % $1', 1)).toBe(false);
    expect(isPlanStable('select "id" from "cases" order by "created_at" desc limit $1 offset $2', 2)).toBe(false);
    expect(isPlanStable('select "lexeme", "df" from "search_terms" where ("lexeme" = $1 or "lexeme" = ANY($2::text[]))', 2)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "status" <> all ($1)', 1)).toBe(false);
  });

  it('leaves unnamed any other comparison with a value: ranges, and columns a partial index may be built on', () => {
    expect(isPlanStable('select count(*) from "open_data_cases" where "state" = $1 and "registered_at" >= $2 and "registered_at" < $3', 3)).toBe(false);
    expect(isPlanStable('select "id" from "callback_tasks" where "status" = $1 and "case_id" = $2', 2)).toBe(false);
    expect(isPlanStable('select "id" from "categories" where "id" = $1 and "is_active" = $2', 2)).toBe(false);
    expect(isPlanStable('update "cases" set "status" = $1 where "id" = $2 and "updated_at" < $3', 3)).toBe(false);
    expect(isPlanStable('select "id" from "jobs" where "run_at" <= $1', 1)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "created_at" between $1 and $2', 2)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "status" in ($1)', 1)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "id" not in ($1)', 1)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "status" is distinct from $1', 1)).toBe(false);
  });

  it('leaves unnamed lists of values, whose text changes with their length', () => {
    expect(isPlanStable(`select "id" from "cases" where "id" in (${params(3)})`, 3)).toBe(false);
    expect(isPlanStable('select "id" from "cases" where "id" in ($1)', 1)).toBe(true);
    expect(isPlanStable('insert into "audit_log" ("a", "b") values ($1, $2), ($3, $4)', 4)).toBe(false);
  });

  it('leaves unnamed statements without parameters (they may hold several statements) and very large ones', () => {
    expect(isPlanStable('begin', 0)).toBe(false);
    expect(isPlanStable('CREATE TABLE t (id int); CREATE INDEX ON t (id)', 0)).toBe(false);
    expect(isPlanStable(`select ${params(101)}`, 101)).toBe(false);
    expect(isPlanStable(`select $1 where '${'x'.repeat(20_001)}' <> ''`, 1)).toBe(false);
  });
});

describe('isPreparingEnabled', () => {
  it('is on unless BIHUAN_DB_PREPARE turns it off', () => {
    expect(isPreparingEnabled({})).toBe(true);
    expect(isPreparingEnabled({ BIHUAN_DB_PREPARE: 'on' })).toBe(true);
    expect(isPreparingEnabled({ BIHUAN_DB_PREPARE: 'off' })).toBe(false);
    expect(isPreparingEnabled({ BIHUAN_DB_PREPARE: ' FALSE ' })).toBe(false);
    expect(isPreparingEnabled({ BIHUAN_DB_PREPARE: '0' })).toBe(false);
  });
});
