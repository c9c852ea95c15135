-- At most one open action per host, whatever asked for it (HUNG, re-check, operator, forced, escalation): a
-- second reset of a host whose reset is in flight or awaiting its new boot is refused by the database itself,
-- not only by the policy chain. An escalation closes the old action before it opens the next one.
-- If an old ledger breaks this rule the migration fails and the executor stays not ready: nothing is rebooted
-- until a person closed the extra rows.
CREATE UNIQUE INDEX action_one_open_per_host ON action (host_id) WHERE NOT closed;
