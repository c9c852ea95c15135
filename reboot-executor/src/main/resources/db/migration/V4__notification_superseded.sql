-- A message that failed is tried again until delivered, or superseded by a newer message of its group.
ALTER TABLE notification_log DROP CONSTRAINT notification_log_status_check;
ALTER TABLE notification_log ADD CONSTRAINT notification_log_status_check
    CHECK (status IN ('SENT', 'FAILED', 'DROPPED', 'SUPERSEDED'));
