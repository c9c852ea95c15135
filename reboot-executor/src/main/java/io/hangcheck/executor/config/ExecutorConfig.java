package io.hangcheck.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the reboot executor. Defaults follow docs/design.md's "Numbers behind the defaults" table; environment variables
 * override (e.g. {@code HANGCHECK_EXECUTOR_LIMITS_IN_FLIGHT=1}).
 */
@ConfigMapping(prefix = "hangcheck.executor")
public interface ExecutorConfig {

    /** This instance's id, in {@code ce_source} and logs. */
    @WithDefault("${HANGCHECK_INSTANCE_ID:executor-0}")
    String instanceId();

    /** Driver used for inventory entries that name none: {@code dry-run} outside production. */
    @WithDefault("dry-run")
    String defaultDriver();

    /** How long a HUNG waits for the compacted host state to catch up before it counts as not corroborated. */
    @WithDefault("5s")
    Duration corroborationWait();

    /**
     * Consumer group of the liveness events ({@code HUNG}, {@code REBOOTED}, {@code RECOVERED}). Only the leader
     * is a member, so a standby holds no partition of it.
     */
    @WithDefault("${HANGCHECK_EXECUTOR_GROUP:hangcheck-reboot-executor}")
    String eventsGroup();

    /** The liveness events topic. */
    @WithDefault("hangcheck.liveness.events.v1")
    String eventsTopic();

    /**
     * Where a consumer group without committed offsets starts reading the liveness events: {@code earliest} (the
     * default: a new group misses no HUNG) or {@code latest} (tests on a shared broker that must not see earlier hangs).
     */
    @WithDefault("earliest")
    String eventsOffsetReset();

    Leadership leadership();

    Limits limits();

    Fleet fleet();

    Confirmation confirmation();

    Recheck recheck();

    Outbox outbox();

    Redfish redfish();

    Exec exec();

    Webhook webhook();

    Admin admin();

    Notify notifications();

    /** Global and per-host limits of the policy chain. */
    interface Limits {
        /** The policy's limits from these settings. */
        default io.hangcheck.executor.domain.Policy.Limits policyLimits() {
            return new io.hangcheck.executor.domain.Policy.Limits(inFlight(), bucketCapacity(), bucketPeriod(),
                    degradedBucketCapacity(), degradedBucketPeriod(), fleetSharePerHour(), hostCoolDown(),
                    quarantineAfter(), quarantineWindow());
        }

        /** Reboots in flight at once (intent made, host not yet confirmed back). */
        @WithDefault("3")
        int inFlight();

        /** Token bucket size (burst). */
        @WithDefault("6")
        int bucketCapacity();

        /** Time in which the bucket refills from empty to full (6 per 10 min). */
        @WithDefault("10m")
        Duration bucketPeriod();

        /** Secondary (slow) bucket used while the fleet is DEGRADED: size. */
        @WithDefault("1")
        int degradedBucketCapacity();

        /** Secondary bucket refill period (1 per 10 min, a tenth of the primary rate). */
        @WithDefault("10m")
        Duration degradedBucketPeriod();

        /** Share of the fleet (enabled inventory) that may be rebooted per hour; at least one host. */
        @WithDefault("0.10")
        double fleetSharePerHour();

        /** No second reboot of a host within this time. */
        @WithDefault("30m")
        Duration hostCoolDown();

        /** After this many reboots of a host within {@link #quarantineWindow()} it is quarantined. */
        @WithDefault("3")
        int quarantineAfter();

        /** Window for {@link #quarantineAfter()}. */
        @WithDefault("24h")
        Duration quarantineWindow();
    }

    /** How fleet-health reports of the evaluators are read. */
    interface Fleet {
        /** A report older than this counts as FROZEN: no news from an evaluator is doubt. */
        @WithDefault("90s")
        Duration staleAfter();

        /** An evaluator silent this long is forgotten (scaled down); with none left the fleet counts FROZEN. */
        @WithDefault("15m")
        Duration forgetAfter();

        /** How far ahead of its record's timestamp (or of now) a report's own date is believed; later dates are cut to it. */
        @WithDefault("5s")
        Duration maxSkew();

        /** Evaluator ids whose fleet-health reports count; unset: any id (a lab with one known evaluator should set it). */
        Optional<java.util.Set<String>> evaluatorIds();
    }

    /**
     * The re-check of hangs that were not answered: a host the evaluator still reports HUNG whose incident was
     * held or skipped for a reason that can pass (fleet frozen or degraded, a cap, the bucket, cool-down, pause,
     * silence, inventory, corroboration), or never reached the ledger (the database was down when the HUNG
     * arrived). Each is run through the whole chain again; a ledger row is written only when the answer changes.
     */
    interface Recheck {
        /** Off: a hang held once stays unanswered until an operator acts. */
        @WithDefault("true")
        boolean enabled();

        /** How often the evaluator's HUNG hosts are looked at. */
        @WithDefault("30s")
        Duration interval();

        /**
         * A host must have been HUNG this long before a re-check takes it up, so that the HUNG event itself
         * (normally consumed within a second) is what decides first.
         */
        @WithDefault("60s")
        Duration after();
    }

    /** Confirmation and escalation after an executed reset. */
    interface Confirmation {
        /** The host must come back with a new boot id within this time. */
        @WithDefault("15m")
        Duration bootTimeout();

        /** First reset type; escalation goes GracefulRestart → ForceRestart → PowerCycle, once. */
        @WithDefault("GracefulRestart")
        String firstResetType();

        /**
         * An attempt with no driver answer after this long (the outcome could not be written, e.g. the database
         * went away mid-call) is marked UNKNOWN and reported, never repeated; longer than any driver call with retries.
         */
        @WithDefault("10m")
        Duration outcomeTimeout();

        /** How often unconfirmed resets are checked against their deadline. */
        @WithDefault("5s")
        Duration sweepInterval();

        /** Driver retries for failures that prove the reset was not accepted (connection refused, 503). */
        @WithDefault("3")
        int driverAttempts();

        /** First back-off between driver retries; doubles each time. */
        @WithDefault("1s")
        Duration driverBackOff();
    }

    /** The relay from the outbox table to {@code hangcheck.reboots.v1}. */
    interface Outbox {
        /** Poll interval of the relay. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** Rows relayed per batch. */
        @WithDefault("200")
        int batchSize();

        /** Topic the reboot records go to. */
        @WithDefault("hangcheck.reboots.v1")
        String topic();
    }

    /** Redfish driver: credentials come from the environment or a mounted Kubernetes Secret. */
    interface Redfish {
        /** BMC user (env {@code HANGCHECK_EXECUTOR_REDFISH_USERNAME}). */
        Optional<String> username();

        /** BMC password (env {@code HANGCHECK_EXECUTOR_REDFISH_PASSWORD}). */
        Optional<String> password();

        /** Directory of a mounted Secret: {@code <dir>/<credentials>/username} and {@code .../password} per inventory entry. */
        Optional<String> credentialsDir();

        /** TLS certificate verification; turning it off is for labs with self-signed BMCs only. */
        @WithDefault("true")
        boolean verifyTls();

        /** Timeout of one HTTP request to a BMC (connect, and then each read). */
        @WithDefault("20s")
        Duration timeout();

        /** CA bundle (PEM) for the default credentials; a credentials entry's own is {@code <dir>/<credentials>/ca.crt}. */
        Optional<String> caBundle();

        /** The longest {@code Retry-After} of a busy BMC that is honoured; a longer one is cut to this. */
        @WithDefault("60s")
        Duration maxRetryAfter();

        /** How long a BMC's discovered system path and session link are reused before the service root is read again. */
        @WithDefault("10m")
        Duration discoveryTtl();
    }

    /** Exec driver. */
    interface Exec {
        /** Argv template, one element per argument, never a shell string; {bmc}, {host}, {resetType}, {systemId}, {user} are replaced. */
        @WithDefault("ipmitool,-I,lanplus,-H,{bmc},-U,{user},-E,chassis,power,{resetType}")
        List<String> argv();

        /** The command is killed after this long (and the attempt counts as failed, not retried). */
        @WithDefault("30s")
        Duration timeout();
    }

    /** Webhook driver. */
    interface Webhook {
        /** Request timeout. */
        @WithDefault("10s")
        Duration timeout();
    }

    /** Admin API. */
    interface Admin {
        /** Bearer tokens with role operator (read and write). Empty: nobody may write. */
        Optional<List<String>> operatorTokens();

        /** Bearer tokens with role viewer (read only). */
        Optional<List<String>> viewerTokens();
    }

    /** Grouped notifications (Alertmanager timings). */
    interface Notify {
        /** Wait before the first message of a new group, to collect its siblings. */
        @WithDefault("30s")
        Duration groupWait();

        /** Wait before a message about new alerts in an already notified group. */
        @WithDefault("5m")
        Duration groupInterval();

        /** A still-active group is notified again after this long. */
        @WithDefault("4h")
        Duration repeatInterval();

        /** Hard cap of messages per channel per hour; more are dropped, counted and logged. */
        @WithDefault("20")
        int maxPerChannelPerHour();

        /** How often due groups are flushed. */
        @WithDefault("1s")
        Duration tick();

        /** Wait before a failed message is tried again on its channel; doubled after each failure. */
        @WithDefault("2s")
        Duration retryBackOff();

        /** The longest wait between two tries of an undelivered message. */
        @WithDefault("5m")
        Duration maxRetryBackOff();

        /** E-mail recipients; none → no e-mail channel. */
        Optional<List<String>> emailTo();

        /** Sender address. */
        @WithDefault("hangcheck@localhost")
        String emailFrom();

        /** Webhook URL for notifications (JSON POST); none → no webhook channel. */
        Optional<String> webhookUrl();

        /** Alertmanager base URL (alerts to its v2 API, which groups and routes them); none → no Alertmanager channel. */
        Optional<String> alertmanagerUrl();

        /** A firing alert is re-posted to Alertmanager every half of this, with endsAt = now + this. */
        @WithDefault("5m")
        Duration alertmanagerHoldFor();
    }

    /** One active executor: a PostgreSQL session-level advisory lock held for the process's life. */
    interface Leadership {
        /**
         * How often a standby tries to take the lock, and the leader checks that its lock session is alive. A
         * leader that dies (its session ends) is replaced within about this long.
         */
        @WithDefault("2s")
        Duration retryInterval();
    }
}
