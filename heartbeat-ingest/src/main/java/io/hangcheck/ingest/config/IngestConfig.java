package io.hangcheck.ingest.config;

import io.hangcheck.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting of heartbeat-ingest ({@code hangcheck.ingest.*}); environment variables override
 * ({@code HANGCHECK_INGEST_CONNECTION_BUDGET}, ...). Kafka's address is {@code kafka.bootstrap.servers}
 * ({@code HANGCHECK_KAFKA}).
 */
@ConfigMapping(prefix = "hangcheck.ingest")
public interface IngestConfig {

    /** This instance's id, stamped as {@code via} and in {@code ce_source}; default {@code HANGCHECK_INSTANCE_ID}, else the host name. */
    Optional<String> instanceId();

    /**
     * HTTP connections held at once before new ones are refused (closed at accept, counted as accept errors).
     * Feeds {@code quarkus.http.limits.max-connections}; keep it well below the process's file-descriptor limit.
     */
    @WithDefault("1000")
    int connectionBudget();

    /** Topic names. */
    TopicNames topics();

    /** Who may send heartbeats for which host. */
    Auth auth();

    /** The HTTP path. */
    Http http();

    /** The UDP path. */
    Udp udp();

    /** The raw-topic path (hosts that publish to Kafka themselves). */
    Raw raw();

    /** Publishing to Kafka. */
    Publish publish();

    /** Ticks and self-health. */
    Ticks ticks();

    /** Checks on the host's send time. */
    Skew skew();

    /** Bench-only switches. */
    Bench bench();

    interface TopicNames {
        /** Where accepted heartbeats and ticks go. */
        @WithDefault(Topics.HEARTBEATS)
        String heartbeats();

        /** Where hosts with their own Kafka client publish. */
        @WithDefault(Topics.HEARTBEATS_RAW)
        String raw();
    }

    interface Http {
        /** Most heartbeats in one POSTed array. */
        @WithDefault("500")
        int maxBatch();

        /** Largest request body in bytes; larger gets 413. */
        @WithDefault("262144")
        int maxBodyBytes();

        /**
         * Fleet-wide bearer tokens, each speaking for any host (relays such as the simulator); a host's own token and a
         * pool's token come from {@code auth.secrets}.
         */
        Optional<List<String>> bearerTokens();

        /**
         * Longest a request's headers may take to arrive: from the connection's accept, or from the first byte of a
         * later request on a kept-alive connection. A slower connection is closed and counted (slowloris: a client
         * sending one header byte every few seconds would otherwise hold its slot of the connection budget until the
         * idle timeout, since every byte resets that).
         */
        @WithDefault("10s")
        java.time.Duration headerTimeout();

        /**
         * Longest a request's body may take to arrive once its headers are in; a slower one is answered 408 and its
         * connection closed, so a client trickling bytes (slowloris) holds no connection of the budget for long.
         */
        @WithDefault("10s")
        java.time.Duration bodyTimeout();

        /** Seconds put in Retry-After on a 503. */
        @WithDefault("5")
        int retryAfterSeconds();
    }

    interface Auth {
        /**
         * Lab secrets from which each host's HTTP token and UDP key are derived ({@code HostCredentials}); the
         * first is current, a second one is still accepted while agents rotate to the first. With any secret set,
         * every heartbeat must be authenticated as its own host.
         */
        Optional<List<String>> secrets();

        /**
         * Pools: a pool's name to the host ids its credentials speak for (a Java regular expression the whole id must
         * match), {@code hangcheck.ingest.auth.pools.nightly=nightly-[0-9]+}. A pool's token and UDP key are derived from
         * the lab secrets under its name ({@code HostCredentials.poolHttpToken}, {@code poolUdpKey}), so a lab of many
         * hosts may hand one credential to a whole pool instead of one per host; a heartbeat from a pool credential for
         * a host outside the pool is refused and counted. Needs {@code auth.secrets}.
         */
        Map<String, String> pools();

        /**
         * Take unauthenticated heartbeats (no secret, token or key configured): anyone who can reach ingest can
         * then speak for any host. Logged loudly at start and exported as {@code hangcheck_ingest_insecure 1}.
         */
        @WithDefault("false")
        boolean insecure();
    }

    interface Udp {
        /** Whether the UDP listener runs. */
        @WithDefault("true")
        boolean enabled();

        /** UDP port; default: the HTTP server's actual port (same number, "UDP on the same port"). */
        OptionalInt port();

        /** Address the UDP socket binds to; default: {@code quarkus.http.host}. */
        Optional<String> host();

        /** Drop datagrams without a valid signature. */
        @WithDefault("false")
        boolean requireSignature();

        /** HMAC-SHA256 key of the whole fleet (UTF-8 text), used for hosts without their own key. */
        Optional<String> fleetKey();

        /**
         * Per-host HMAC-SHA256 keys (host id to UTF-8 text), {@code hangcheck.ingest.udp.host-keys."lab-07"=...};
         * two comma-separated keys are both accepted while the host rotates from the second to the first.
         */
        Map<String, String> hostKeys();

        /** Socket receive buffer in bytes (SO_RCVBUF), so bursts queue in the kernel rather than drop. */
        @WithDefault("4194304")
        int receiveBufferBytes();

        /**
         * Threads taking datagrams off the socket, each parsing, checking and handing its datagram to the producer
         * (which never makes them wait for Kafka). One thread receives at a time while the others work; the socket's
         * lock passes between them on every datagram, which costs more than it gains unless a core is idle.
         */
        @WithDefault("1")
        int receiveThreads();
    }

    interface Raw {
        /** Whether ingest consumes the raw topic. */
        @WithDefault("true")
        boolean enabled();

        /** Consumer group of all ingest instances on the raw topic. */
        @WithDefault("hangcheck-ingest-raw")
        String groupId();

        /** Longest wait of one poll. */
        @WithDefault("500ms")
        Duration pollTimeout();
    }

    interface Publish {
        /**
         * Linger before a producer batch is sent: small, because every 202 waits for it (a single heartbeat's request
         * is bounded by its acknowledgement; 5 ms measured 0.59 of the no-op route against 0.84 with 2 on a quiet
         * machine, at the same CPU per record).
         */
        @WithDefault("2")
        int lingerMs();

        /** Producer request timeout (ms). */
        @WithDefault("3000")
        int requestTimeoutMs();

        /** Longest wait for Kafka's acknowledgement before a send fails and the caller gets 503 (ms). */
        @WithDefault("8000")
        int deliveryTimeoutMs();

        /** Longest time a send may block the caller for metadata or buffer space (ms). */
        @WithDefault("100")
        int maxBlockMs();

        /** Producer buffer (bytes). */
        @WithDefault("33554432")
        long bufferMemoryBytes();

        /** Share of the producer buffer in use above which new heartbeats get 503 instead of queueing. */
        @WithDefault("0.9")
        double refuseAboveBufferFill();

        /** How often Kafka's reachability is probed (readiness, fast 503). */
        @WithDefault("1s")
        Duration probeInterval();

        /** Longest wait of one probe. */
        @WithDefault("2s")
        Duration probeTimeout();

        /** Extra producer properties, passed through ({@code hangcheck.ingest.publish.producer."compression.type"=lz4}). */
        @WithName("producer")
        Map<String, String> producerOverrides();
    }

    interface Ticks {
        /** Interval between ticks (one to every partition each time). */
        @WithDefault("1s")
        Duration interval();

        /** Share of the connection budget at or above which the instance is DEGRADED. */
        @WithDefault("0.8")
        double degradedConnectionShare();

        /** Accept/refusal errors in one interval at or above which the instance is DEGRADED. */
        @WithDefault("1")
        long degradedAcceptErrors();

        /** Publish errors in one interval at or above which the instance is DEGRADED. */
        @WithDefault("1")
        long degradedPublishErrors();

        /** Publish latency p99 (ms) at or above which the instance is DEGRADED. */
        @WithDefault("2000")
        double degradedPublishLatencyMs();

        /** Send-buffer fill at or above which the instance is DEGRADED. */
        @WithDefault("0.5")
        double degradedBufferFill();

        /** Kernel UDP drops on ingest's socket in one interval that make it DEGRADED (0 turns the check off). */
        @WithDefault("1")
        long degradedUdpKernelDrops();
    }

    interface Skew {
        /** Host-clock skew beyond which a heartbeat is counted as skewed (it is accepted all the same). */
        @WithDefault("30s")
        Duration tolerance();
    }

    interface Bench {
        /** Serve POST /v1/noop (answers 202 without doing anything): the benchmark's reference route. */
        @WithDefault("false")
        boolean noopRoute();
    }
}
