package io.hangcheck.ingest.domain;

/**
 * Why a heartbeat was not accepted. Each reason is a bounded metric label ({@link #label()}), an HTTP status
 * for the HTTP path, and a sentence for logs and problem documents.
 */
public enum RejectReason {
    MALFORMED("malformed", 400, "The body or datagram is not well-formed JSON or a well-formed hc1 line."),
    INVALID("invalid", 400, "A field breaks the heartbeat contract (pattern, length, range, label count)."),
    TOO_LARGE("too_large", 413, "The body or datagram is larger than allowed."),
    TOO_SLOW("too_slow", 408, "The body did not arrive within the body timeout (a trickling client); the connection is closed."),
    HEADERS_TOO_SLOW("slow_headers", 408, "The request's headers did not arrive within the header timeout (slowloris); the connection is closed."),
    BATCH_TOO_LARGE("batch_too_large", 413, "The array holds more heartbeats than one batch may."),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "The body is not application/json."),
    UNAUTHORIZED("unauthorized", 401, "Authentication is on and the bearer token is missing or wrong."),
    HOST_NOT_ALLOWED("host_not_allowed", 403, "The bearer token is valid but may not speak for this host id (another host's token)."),
    UNSIGNED("unsigned", 401, "A signature is required (fleet-wide, or because the host has its own key) and the datagram has none."),
    BAD_SIGNATURE("bad_signature", 401, "The signature does not match the line under the host's key (forged, or a field was changed)."),
    KAFKA_UNAVAILABLE("kafka_unavailable", 503, "Kafka is unreachable, so nothing can be made durable now."),
    BUFFER_FULL("buffer_full", 503, "The producer's send buffer is nearly full; taking more would only queue it."),
    PUBLISH_FAILED("publish_failed", 503, "Kafka did not acknowledge the record in time.");

    private final String label;
    private final int status;
    private final String sentence;

    RejectReason(String label, int status, String sentence) {
        this.label = label;
        this.status = status;
        this.sentence = sentence;
    }

    /** Metric label value. */
    public String label() {
        return label;
    }

    /** HTTP status on the HTTP path. */
    public int status() {
        return status;
    }

    public String sentence() {
        return sentence;
    }
}
