-- The reboot executor's record. The ledger is append-only; every row has an outbox row written in the
-- same transaction, which the relay publishes to hangcheck.reboots.v1 (no dual write).

CREATE TABLE inventory (
    host_id     TEXT PRIMARY KEY,
    driver      TEXT NOT NULL,
    params      JSONB NOT NULL DEFAULT '{}',
    labels      JSONB NOT NULL DEFAULT '{}',
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE silence (
    id          BIGSERIAL PRIMARY KEY,
    host_id     TEXT,
    label_key   TEXT,
    label_value TEXT,
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ NOT NULL,
    author      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT silence_matcher CHECK ((host_id IS NOT NULL) <> (label_key IS NOT NULL AND label_value IS NOT NULL)),
    CONSTRAINT silence_period CHECK (ends_at > starts_at)
);
CREATE INDEX silence_ends ON silence (ends_at);

-- One row: the kill switch.
CREATE TABLE pause (
    id      SMALLINT PRIMARY KEY CHECK (id = 1),
    paused  BOOLEAN NOT NULL,
    author  TEXT,
    reason  TEXT,
    since   TIMESTAMPTZ
);
INSERT INTO pause (id, paused) VALUES (1, FALSE);

-- The claim of an incident: the primary key makes a second HUNG of the same incident a DUPLICATE_INCIDENT,
-- decided by the database, whatever the executor remembers.
CREATE TABLE incident (
    incident_id TEXT PRIMARY KEY,
    host_id     TEXT NOT NULL,
    boot_id     TEXT,
    origin      TEXT NOT NULL,
    claimed_at  TIMESTAMPTZ NOT NULL
);

-- One row per reset attempt (intent); (incident, attempt) is unique, so an attempt cannot be made twice.
-- outcome NULL = the driver may be running (or the executor died: UNKNOWN at the next start).
CREATE TABLE action (
    id           BIGSERIAL PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incident (incident_id),
    host_id      TEXT NOT NULL,
    attempt      INT NOT NULL CHECK (attempt >= 1),
    driver       TEXT NOT NULL,
    reset_type   TEXT NOT NULL,
    boot_id      TEXT,
    intent_at    TIMESTAMPTZ NOT NULL,
    outcome      TEXT CHECK (outcome IN ('EXECUTED', 'FAILED', 'UNKNOWN')),
    outcome_at   TIMESTAMPTZ,
    deadline_at  TIMESTAMPTZ,
    closed       BOOLEAN NOT NULL DEFAULT FALSE,
    closed_as    TEXT,
    CONSTRAINT action_once UNIQUE (incident_id, attempt)
);
CREATE INDEX action_host_time ON action (host_id, intent_at);
CREATE INDEX action_open ON action (closed) WHERE NOT closed;
CREATE INDEX action_time ON action (intent_at);

-- Every decision, skips included.
CREATE TABLE ledger (
    id          BIGSERIAL PRIMARY KEY,
    incident_id TEXT NOT NULL,
    host_id     TEXT NOT NULL,
    decision    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    driver      TEXT,
    attempt     INT NOT NULL DEFAULT 0,
    at          TIMESTAMPTZ NOT NULL,
    detail      JSONB NOT NULL DEFAULT '{}'
);
-- Actions are unique per incident and attempt; skip rows (attempt 0) may repeat (e.g. each duplicate).
CREATE UNIQUE INDEX ledger_action_once ON ledger (incident_id, attempt, decision) WHERE attempt > 0;
CREATE INDEX ledger_host_time ON ledger (host_id, at);
CREATE INDEX ledger_time ON ledger (at);

CREATE TABLE quarantine (
    host_id     TEXT PRIMARY KEY,
    since       TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    incident_id TEXT
);

CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    ledger_id   BIGINT NOT NULL UNIQUE REFERENCES ledger (id),
    topic       TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    payload     BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE notification_log (
    id          BIGSERIAL PRIMARY KEY,
    channel     TEXT NOT NULL,
    group_key   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    alerts      INT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('SENT', 'FAILED', 'DROPPED')),
    error       TEXT,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX notification_log_time ON notification_log (at);
