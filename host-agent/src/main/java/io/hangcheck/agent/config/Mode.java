package io.hangcheck.agent.config;

import java.util.Locale;

/** Which paths the agent uses. */
public enum Mode {
    /** UDP only: no connection state at all; a lost datagram is simply a missed beat. */
    UDP("udp"),
    /** HTTP only, over at most one keep-alive connection; a 202 means the heartbeat is durable. */
    HTTP("http"),
    /**
     * UDP first; HTTP for a beat whose UDP send fails, and every {@code --http-every}-th beat over HTTP so the
     * agent learns, from a real acknowledgement, whether ingest hears it (UDP has none).
     */
    UDP_HTTP("udp+http");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    public static Mode parse(String value, String field) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Mode m : values()) {
            if (m.text.equals(v)) {
                return m;
            }
        }
        throw new ConfigException(field, "'" + value + "' is not one of udp, http, udp+http");
    }

    public boolean udp() {
        return this != HTTP;
    }

    public boolean http() {
        return this != UDP;
    }

    @Override
    public String toString() {
        return text;
    }
}
