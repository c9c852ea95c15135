-- The evaluator's groupDegraded mark of the HUNG that claimed an incident (which group of the host was DEGRADED
-- and why), NULL when it had none. The re-check decides a held incident again from the host's compacted state,
-- which does not carry the mark: it reads it here, so the incident keeps the slow bucket it came with.
ALTER TABLE incident ADD COLUMN group_degraded TEXT;
