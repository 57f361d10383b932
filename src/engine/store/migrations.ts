/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction, and bumps
 * `PRAGMA user_version`. Never edit a released migration: add the next one.
 */
export const MIGRATIONS: string[] = [
  // 1: projects, tasks, runs, the event log and settings
  `
  CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    title TEXT NOT NULL,
    prompt TEXT NOT NULL,
    base_branch TEXT NOT NULL,
    agent_json TEXT NOT NULL,
    state TEXT NOT NULL,
    branch TEXT,
    worktree_path TEXT,
    session_id TEXT,
    exit_code INTEGER,
    state_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state_changed_at INTEGER NOT NULL,
    cleaned_up INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX tasks_by_project ON tasks(project_id);
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    session_id TEXT NOT NULL UNIQUE,
    argv_json TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    exit_code INTEGER,
    signal INTEGER
  );
  CREATE INDEX runs_by_task ON runs(task_id);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    at INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX events_by_task ON events(task_id);
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: flags, diff stats and archiving on tasks; extra terminals; feedback and notify history
  `
  ALTER TABLE tasks ADD COLUMN flags_json TEXT NOT NULL DEFAULT '{"needsInput":false,"deliveryUnconfirmed":false,"message":null}';
  ALTER TABLE tasks ADD COLUMN diff_files INTEGER;
  ALTER TABLE tasks ADD COLUMN diff_additions INTEGER;
  ALTER TABLE tasks ADD COLUMN diff_deletions INTEGER;
  ALTER TABLE tasks ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN notify_token TEXT;
  CREATE TABLE terminals (
    session_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at INTEGER
  );
  CREATE INDEX terminals_by_task ON terminals(task_id);
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX messages_by_task ON messages(task_id);
  `,
  // 3: review: files marked viewed, and review comments
  `
  CREATE TABLE viewed_files (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    path TEXT NOT NULL,
    blob TEXT NOT NULL,
    PRIMARY KEY (task_id, path)
  );
  CREATE TABLE review_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    path TEXT NOT NULL,
    side TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    revision TEXT NOT NULL,
    quote TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX review_comments_by_task ON review_comments(task_id);
  `,
  // 4: repository config: trusted config hashes per project; each task's ports and setup status
  `
  CREATE TABLE config_trust (
    project_id TEXT NOT NULL REFERENCES projects(id),
    hash TEXT NOT NULL,
    trusted_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, hash)
  );
  ALTER TABLE tasks ADD COLUMN port_base INTEGER;
  ALTER TABLE tasks ADD COLUMN port_count INTEGER;
  ALTER TABLE tasks ADD COLUMN setup_status TEXT;
  `,
  // 5: attempts: tasks started together from one prompt share a group, numbered from 1
  `
  ALTER TABLE tasks ADD COLUMN attempt_group TEXT;
  ALTER TABLE tasks ADD COLUMN attempt_index INTEGER;
  CREATE INDEX tasks_by_attempt_group ON tasks(attempt_group);
  `,
  // 6: checks: each task's own verify/reviewer/supervision settings and its gate outcome;
  // every verify run and reviewer run with its log
  `
  ALTER TABLE tasks ADD COLUMN checks_json TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE tasks ADD COLUMN gate_json TEXT NOT NULL DEFAULT '{}';
  CREATE TABLE verify_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    attempt INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    command TEXT NOT NULL,
    session_id TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    status TEXT NOT NULL,
    exit_code INTEGER,
    commit_sha TEXT,
    agent_work_commit TEXT,
    tail TEXT NOT NULL DEFAULT '',
    log TEXT NOT NULL DEFAULT '',
    log_truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  CREATE INDEX verify_runs_by_task ON verify_runs(task_id);
  CREATE TABLE reviewer_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    attempt INTEGER NOT NULL,
    agent_json TEXT NOT NULL,
    session_id TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    status TEXT NOT NULL,
    verdict_json TEXT,
    error TEXT,
    output TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX reviewer_runs_by_task ON reviewer_runs(task_id);
  `,
  // 7: plans: a goal as a graph of tasks, with an integration branch and a version for
  // compare-and-set edits; each plan task is a task row carrying its plan-local id, order,
  // priority, file scope, parents (the graph's edges) and why it waits
  `
  CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    goal TEXT NOT NULL,
    base_branch TEXT NOT NULL,
    integration_branch TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    agent_json TEXT,
    verify TEXT,
    verify_timeout INTEGER,
    max_fix_iterations INTEGER,
    auto_merge INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX plans_by_project ON plans(project_id);
  ALTER TABLE tasks ADD COLUMN plan_id TEXT;
  ALTER TABLE tasks ADD COLUMN plan_key TEXT;
  ALTER TABLE tasks ADD COLUMN plan_order INTEGER;
  ALTER TABLE tasks ADD COLUMN priority INTEGER;
  ALTER TABLE tasks ADD COLUMN files_scope_json TEXT;
  ALTER TABLE tasks ADD COLUMN plan_parents_json TEXT;
  ALTER TABLE tasks ADD COLUMN plan_wait TEXT;
  CREATE INDEX tasks_by_plan ON tasks(plan_id);
  `,
  // 8: the agent's own session id, as its hooks report it, so a resume continues that one
  `
  ALTER TABLE tasks ADD COLUMN agent_session TEXT;
  `,
  // 9: per repository and agent, whether the user lets the agent work in its task worktrees
  // without asking about folder trust each time
  `
  CREATE TABLE agent_trust (
    project_id TEXT NOT NULL REFERENCES projects(id),
    agent TEXT NOT NULL,
    trusted INTEGER NOT NULL,
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, agent)
  );
  `,
];
