package io.hangcheck.executor.store;

import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.time.Instant;

import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code notification_log}: every message sent, failed, dropped or superseded. */
@Singleton
public class NotificationLog extends Table {

    public void log(String channel, String groupKey, String subject, String body, int alerts,
                    String status, String error, Instant now) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO notification_log (channel, group_key, subject, body, alerts, status, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, channel);
                ps.setString(2, groupKey);
                ps.setString(3, subject);
                ps.setString(4, body);
                ps.setInt(5, alerts);
                ps.setString(6, status);
                ps.setString(7, error);
                ps.setObject(8, ts(now));
                ps.executeUpdate();
            }
            return null;
        });
    }
}
