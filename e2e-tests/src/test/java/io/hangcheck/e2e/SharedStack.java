package io.hangcheck.e2e;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * One stack for the test classes whose settings agree (the walking skeleton, the executor killed mid-reset,
 * security): starting the services' JVMs is most of a class's time on two cores, so these classes share one stack
 * instead of starting one each. Each class isolates itself by its own hosts (its own host-id prefix) and counts
 * only what concerns them. (Alerting on a healthy stack keeps a stack of its own with the default settings: this
 * one's executor re-checks every second.)
 *
 * <p>What a class starts on the shared stack (its fleet, its senders) keeps running until the stack stops: hosts
 * that all fell silent at once when their class ended would be a storm the evaluator answers with a freeze, and
 * hung hosts would add to the next class's re-check counts. So a class puts back every host it hung before it
 * ends ({@link #putBack}). The classes run early, in the order of their {@code @Order} (see
 * src/test/resources/junit-platform.properties).
 *
 * <p>The stack stops when a class starts a stack of its own ({@link Stack.Builder#start()}: no idle stack
 * competes for the cores) or when the test JVM exits.
 */
final class SharedStack {
    static final String FLEET_KEY = "e2e-fleet-key-0123456789";
    static final String INGEST_TOKEN = "e2e-ingest-token";
    static final String VIEWER_TOKEN = "e2e-viewer-token";
    /** The executor's re-check: every second, for incidents HUNG one second by its own receive time. */
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration RECHECK_AFTER = Duration.ofSeconds(1);

    private static SharedStack current;
    private static boolean hooked;
    private static int starts;

    final Stack stack;
    /** A socket monitor on the stack's database, started once the stack is ready. */
    final ServiceProcess sockets;
    private final Deque<AutoCloseable> kept = new ArrayDeque<>();

    private SharedStack(Stack stack, ServiceProcess sockets) {
        this.stack = stack;
        this.sockets = sockets;
    }

    /**
     * The running shared stack, started on first use: ingest wants a bearer token over HTTP and signatures over
     * UDP; the executor has a viewer token, re-checks every second, runs slow exec drivers (5 min timeout) and may
     * reset any share of its inventory an hour (each class has only a few hosts in it).
     */
    static synchronized SharedStack get() throws Exception {
        if (current != null) {
            return current;
        }
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(SharedStack::stop, "e2e-shared-stack-stop"));
            hooked = true;
        }
        // A name of its own for every start: the name makes the database, the Kafka Streams application id (whose
        // changelog would otherwise restore the hosts of the stack before it) and the log files. Test classes run
        // in two JVMs at once (e2e.forks), each may start the shared stack, and a class with a stack of its own
        // stops it in between.
        String name = "shared" + System.getProperty("e2e.fork", "") + (++starts > 1 ? "g" + starts : "");
        Stack stack = Stack.builder(name)
                .ingest("HANGCHECK_INGEST_UDP_REQUIRE_SIGNATURE", "true")
                .ingest("HANGCHECK_INGEST_UDP_FLEET_KEY", FLEET_KEY)
                .ingest("HANGCHECK_INGEST_HTTP_BEARER_TOKENS", INGEST_TOKEN)
                .ingest("HANGCHECK_INGEST_AUTH_INSECURE", "false")
                .executor("HANGCHECK_EXECUTOR_ADMIN_VIEWER_TOKENS", VIEWER_TOKEN)
                .executor("HANGCHECK_EXECUTOR_RECHECK_INTERVAL", RECHECK_INTERVAL.toSeconds() + "s")
                .executor("HANGCHECK_EXECUTOR_RECHECK_AFTER", RECHECK_AFTER.toSeconds() + "s")
                .executor("HANGCHECK_EXECUTOR_EXEC_TIMEOUT", "5m")
                .executor("HANGCHECK_EXECUTOR_LIMITS_FLEET_SHARE_PER_HOUR", "1.0")
                .startAlongside();
        ServiceProcess sockets = null;
        try {
            // the socket monitor starts on the ready stack (as in alerting on a healthy stack), as one is added to a
            // running lab
            sockets = ServiceProcess.quarkus("socket-monitor", "sockets-" + name, Map.of(
                    "HANGCHECK_KAFKA", stack.bootstrap,
                    "HANGCHECK_SOCKETS_INTERVAL", "1s",
                    "HANGCHECK_SOCKETS_PG_URLS", stack.dbUrl)).start();
            sockets.awaitReady(Duration.ofMinutes(3));
        } catch (Exception | Error e) {
            if (sockets != null) {
                sockets.close();
            }
            stack.close();
            throw e;
        }
        current = new SharedStack(stack, sockets);
        return current;
    }

    /** Stops the shared stack, if one runs: what the classes kept first, then the socket monitor and the services. */
    static synchronized void stop() {
        SharedStack s = current;
        current = null;
        if (s == null) {
            return;
        }
        while (!s.kept.isEmpty()) {
            try {
                s.kept.pop().close();
            } catch (Exception e) {
                System.out.println("shared stack: closing " + e);
            }
        }
        try {
            s.sockets.close();
            s.stack.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A fleet of {@code size} hosts {@code prefix-0…} posting to ingest with its token every 500 ms, until the stack stops. */
    synchronized Fleet fleet(String prefix, int size) {
        Fleet fleet = new Fleet(stack.ingest, prefix, size).token(INGEST_TOKEN);
        kept.push(fleet);
        return fleet.start(Duration.ofMillis(500));
    }

    /** Keeps {@code c} (a class's senders) running until the stack stops; it is closed before the services. */
    synchronized <T extends AutoCloseable> T keep(T c) {
        kept.push(c);
        return c;
    }

    /**
     * Reboots (new boot id) every host of {@code fleet} that is hung, so that no host of an ended class stays HUNG
     * on the stack; for a class's {@code @AfterAll}.
     */
    static void putBack(Fleet fleet) {
        if (fleet == null) {
            return;
        }
        for (String h : fleet.hosts()) {
            if (fleet.isHung(h)) {
                fleet.reboot(h);
            }
        }
    }
}
