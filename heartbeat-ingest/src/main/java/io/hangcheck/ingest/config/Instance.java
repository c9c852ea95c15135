package io.hangcheck.ingest.config;

import io.hangcheck.events.Heartbeat;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.InetAddress;

/** Who this ingest instance is: {@code via} on its heartbeats, {@code instanceId} of its ticks, and its {@code ce_source}. */
@Singleton
public class Instance {

    private final String id;

    @Inject
    public Instance(IngestConfig config) {
        this.id = resolve(config.instanceId().orElse(null), System.getenv("HANGCHECK_INSTANCE_ID"));
    }

    static String resolve(String configured, String env) {
        String id = configured != null && !configured.isBlank() ? configured
                : env != null && !env.isBlank() ? env : hostName();
        id = id.trim();
        return id.length() > Heartbeat.VIA_MAX ? id.substring(0, Heartbeat.VIA_MAX) : id;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "ingest";
        }
    }

    public String id() {
        return id;
    }

    /** CloudEvents source of everything this instance publishes. */
    public String source() {
        return "/hangcheck/ingest/" + id;
    }
}
