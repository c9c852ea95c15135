-- The operator console's audit trail: every action taken through it (pause, resume, silence, expire, reboot,
-- release), refused ones included, with who did it, in which role, why, and what came of it.
CREATE TABLE console_audit (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    reason  TEXT,
    outcome TEXT NOT NULL
);
CREATE INDEX console_audit_target ON console_audit (target, id);
