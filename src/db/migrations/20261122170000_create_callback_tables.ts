import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // One task per reply round of a case (source_event_id: the case.replied event), so a re-delivered event
  // creates nothing and a case replied again after a reopening gets a new task.
  await sql`
    CREATE TABLE callback_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      source_event_id bigint NOT NULL UNIQUE REFERENCES work_item_events(id),
      unit_id uuid NOT NULL REFERENCES units(id),
      status text NOT NULL CHECK (status IN ('open','done','unreachable','refused','cancelled')),
      due_at timestamptz NOT NULL,
      claimed_by uuid REFERENCES users(id),
      claim_expires_at timestamptz,
      attempt_count integer NOT NULL DEFAULT 0,
      unreachable_count integer NOT NULL DEFAULT 0,
      next_attempt_after timestamptz,
      sms_code text,
      sms_at timestamptz,
      close_reason text,
      closed_by uuid REFERENCES users(id),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL)),
      CHECK ((status = 'open') = (closed_at IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX callback_tasks_one_open_per_case ON callback_tasks (case_id) WHERE status = 'open'`.execute(db);
  await sql`CREATE INDEX callback_tasks_queue ON callback_tasks (unit_id, due_at) WHERE status = 'open'`.execute(db);

  await sql`
    CREATE TABLE callback_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      task_id uuid NOT NULL REFERENCES callback_tasks(id),
      actor_id uuid REFERENCES users(id),
      channel text NOT NULL CHECK (channel IN ('phone','sms','link')),
      outcome text NOT NULL CHECK (outcome IN ('reached','no_answer','busy','wrong_number','refused')),
      note text,
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX callback_attempts_task ON callback_attempts (task_id, at)`.execute(db);

  // Call scripts: one per (category or none) × (kind or none); the most specific one is shown.
  await sql`
    CREATE TABLE callback_scripts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      category_id uuid REFERENCES categories(id),
      kind text CHECK (kind IN ('enquiry','help','complaint','report','suggestion')),
      body jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      updated_by uuid REFERENCES users(id),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX callback_scripts_scope ON callback_scripts (coalesce(category_id::text, ''), coalesce(kind, ''))`.execute(db);

  // Questionnaires: one per kind (or the general one, kind NULL); answers keep the version they answered.
  await sql`
    CREATE TABLE callback_questionnaires (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text CHECK (kind IN ('enquiry','help','complaint','report','suggestion')),
      questions jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      updated_by uuid REFERENCES users(id),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX callback_questionnaires_kind ON callback_questionnaires (coalesce(kind, ''))`.execute(db);

  await sql`
    CREATE TABLE callback_answers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      task_id uuid NOT NULL REFERENCES callback_tasks(id),
      case_id uuid NOT NULL REFERENCES cases(id),
      questionnaire_id uuid NOT NULL REFERENCES callback_questionnaires(id),
      questionnaire_version integer NOT NULL,
      source text NOT NULL CHECK (source IN ('call','link')),
      answers jsonb NOT NULL,
      satisfaction text CHECK (satisfaction IN ('satisfied','fairly_satisfied','dissatisfied')),
      actor_id uuid REFERENCES users(id),
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX callback_answers_case ON callback_answers (case_id, at)`.execute(db);

  // Public questionnaire links: only the token's hash is kept; a token answers once.
  await sql`
    CREATE TABLE callback_links (
      token_hash text PRIMARY KEY,
      task_id uuid NOT NULL REFERENCES callback_tasks(id),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Inbound SMS replies, one row per provider message id: the webhook is idempotent on it.
  await sql`
    CREATE TABLE callback_sms_inbound (
      provider_message_id text PRIMARY KEY,
      from_masked text NOT NULL,
      code text,
      result text NOT NULL,
      task_id uuid REFERENCES callback_tasks(id),
      received_at timestamptz NOT NULL
    )`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  for (const table of ['callback_sms_inbound', 'callback_links', 'callback_answers', 'callback_questionnaires', 'callback_scripts', 'callback_attempts', 'callback_tasks']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
};
