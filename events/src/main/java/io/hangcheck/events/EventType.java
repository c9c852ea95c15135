package io.hangcheck.events;

/**
 * Every event type of the contract: its CloudEvents {@code ce_type}, the record class and the JSON Schema
 * file under {@code schemas/} that documents it.
 */
public enum EventType {
    HEARTBEAT("io.hangcheck.heartbeat.v1", Heartbeat.class, "heartbeat.schema.json"),
    TICK("io.hangcheck.tick.v1", Tick.class, "tick.schema.json"),
    LIVENESS_EVENT("io.hangcheck.liveness.event.v1", LivenessEvent.class, "liveness-event.schema.json"),
    HOST_STATE("io.hangcheck.host.state.v1", HostState.class, "host-state.schema.json"),
    FLEET_HEALTH("io.hangcheck.fleet.health.v1", FleetHealth.class, "fleet-health.schema.json"),
    GROUP_COUNTS("io.hangcheck.groups.v1", GroupCounts.class, "group-counts.schema.json"),
    REBOOT_RECORD("io.hangcheck.reboot.v1", RebootRecord.class, "reboot-record.schema.json"),
    SOCKET_SNAPSHOT("io.hangcheck.sockets.snapshot.v1", SocketSnapshot.class, "socket-snapshot.schema.json"),
    LEAK_ALERT("io.hangcheck.sockets.alert.v1", LeakAlert.class, "leak-alert.schema.json");

    private final String ceType;
    private final Class<?> recordClass;
    private final String schemaFile;

    EventType(String ceType, Class<?> recordClass, String schemaFile) {
        this.ceType = ceType;
        this.recordClass = recordClass;
        this.schemaFile = schemaFile;
    }

    /** The CloudEvents {@code type} attribute. */
    public String ceType() {
        return ceType;
    }

    public Class<?> recordClass() {
        return recordClass;
    }

    /** Classpath resource of the JSON Schema, e.g. {@code schemas/heartbeat.schema.json}. */
    public String schemaResource() {
        return "schemas/" + schemaFile;
    }

    public static EventType of(Class<?> recordClass) {
        for (EventType t : values()) {
            if (t.recordClass.equals(recordClass)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not an event record: " + recordClass.getName());
    }
}
