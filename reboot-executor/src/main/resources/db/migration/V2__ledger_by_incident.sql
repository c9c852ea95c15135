-- The re-check of unanswered hangs reads an incident's last decision.
CREATE INDEX ledger_incident ON ledger (incident_id, id);
