package io.hangcheck.executor.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The operator console ({@code hangcheck.console.*}; environment {@code HANGCHECK_CONSOLE_*}). */
@ConfigMapping(prefix = "hangcheck.console")
public interface ConsoleConfig {
    /** The liveness evaluator, for a host's detail (φ, silence, history); fetched server-side. */
    @WithDefault("http://127.0.0.1:8082")
    String evaluatorUrl();

    /** The socket monitor, for its latest scan, open leak alerts and forecast; fetched server-side. */
    @WithDefault("http://127.0.0.1:8084")
    String socketMonitorUrl();

    /**
     * The bearer token sent to the evaluator's and the socket monitor's read APIs ({@code /v1/…}), which accept
     * it when it is one of their viewer tokens; none is sent when unset (read APIs left open).
     */
    Optional<String> peerToken();

    /** How long a call to the evaluator or the socket monitor may take before the page says it is unreachable. */
    @WithDefault("2s")
    Duration peerTimeout();

    /** A signed-in session ends after this long without a request. */
    @WithDefault("8h")
    Duration sessionIdle();

    /** Rows per page of the fleet table and the ledger, unless the page asks for another size. */
    @WithDefault("50")
    int pageSize();
}
