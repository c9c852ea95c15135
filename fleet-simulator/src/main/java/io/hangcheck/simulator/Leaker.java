package io.hangcheck.simulator;

import io.hangcheck.agent.Log;

import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The seed's culprit: a class of clients (the per-changelist Windows boxes) that open TCP connections to a
 * server and never close them. At {@code rate} connections per second, up to {@code max}, from a distinct
 * source address when one can be bound (127.0.0.2 on Linux loopback), so the socket monitor can name them.
 * In {@code http} mode each connection sends one keep-alive HTTP request first (an HTTP server may not count,
 * or even see, a connection before its first bytes — Quarkus with HTTP/2 cleartext detection does not); in
 * {@code idle} mode (for PostgreSQL and other targets) it sends nothing. After that the sockets are never read,
 * written or closed until {@link #stop()}: when the server gives up on one, it sits in CLOSE_WAIT here and
 * FIN_WAIT2 there, as in the story.
 *
 * <p>Bounded: never more than the global cap, and never closer than 256 descriptors to this process's limit.
 */
final class Leaker implements Closeable {

    /** What the control API and status line show. */
    record Status(boolean active, String pool, String target, String bind, String mode, double rate, int max,
                  int open, long opened, long failed, String lastError) {
    }

    /**
     * One leak order. {@code greeting}: bytes written once right after connecting (then nothing is ever read,
     * written or closed), or null for a connection that never sends a byte.
     */
    record Spec(String pool, InetSocketAddress target, InetAddress bind, double rate, int max, byte[] greeting) {
    }

    private final int cap;
    private final ScheduledExecutorService timer;
    private final List<Socket> open = new ArrayList<>();
    private Spec spec;
    private ScheduledFuture<?> task;
    private double tokens;
    private long opened;
    private long failed;
    private String lastError;
    private boolean bindWarned;

    Leaker(int configuredCap) {
        this.cap = Math.max(0, Math.min(configuredCap, descriptorHeadroom()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hangcheck-sim-leak");
            t.setDaemon(true);
            return t;
        });
    }

    int cap() {
        return cap;
    }

    /** Starts (or re-targets) the leak; returns the effective maximum. Connections already open stay open. */
    synchronized int start(Spec s) {
        int max = Math.min(s.max(), cap);
        spec = new Spec(s.pool(), s.target(), s.bind(), s.rate(), max, s.greeting());
        tokens = 0;
        if (task == null) {
            task = timer.scheduleAtFixedRate(this::step, 0, 100, TimeUnit.MILLISECONDS);
        }
        return max;
    }

    /** Closes every leaked connection and stops leaking; returns how many were closed. */
    synchronized int stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        spec = null;
        int n = open.size();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // released either way
            }
        }
        open.clear();
        return n;
    }

    synchronized Status status() {
        return spec == null
                ? new Status(false, null, null, null, null, 0, 0, open.size(), opened, failed, lastError)
                : new Status(true, spec.pool(), spec.target().getHostString() + ":" + spec.target().getPort(),
                spec.bind() == null ? null : spec.bind().getHostAddress(), spec.greeting() == null ? "idle" : "http",
                spec.rate(), spec.max(), open.size(), opened, failed, lastError);
    }

    private void step() {
        Spec s;
        int want;
        synchronized (this) {
            s = spec;
            if (s == null) {
                return;
            }
            tokens = Math.min(tokens + s.rate() / 10.0, Math.max(1, s.rate()));
            want = (int) Math.min(Math.floor(tokens), s.max() - open.size());
            if (want <= 0) {
                return;
            }
            tokens -= want;
        }
        for (int i = 0; i < want; i++) {
            Socket socket = connect(s);
            synchronized (this) {
                if (socket == null) {
                    failed++;
                    continue;
                }
                if (spec != s && (spec == null || open.size() >= spec.max())) {
                    close(socket); // stopped or shrunk while connecting
                    continue;
                }
                open.add(socket);
                opened++;
            }
        }
    }

    private Socket connect(Spec s) {
        Socket socket = new Socket();
        try {
            if (s.bind() != null) {
                try {
                    socket.bind(new InetSocketAddress(s.bind(), 0));
                } catch (IOException e) {
                    if (!bindWarned) {
                        bindWarned = true;
                        Log.warn("leak: cannot bind " + s.bind().getHostAddress() + " (" + e.getMessage()
                                + "); connecting from the default address");
                    }
                    socket.close();
                    socket = new Socket();
                }
            }
            socket.connect(s.target(), 1_000);
            if (s.greeting() != null) {
                socket.getOutputStream().write(s.greeting());
                socket.getOutputStream().flush();
            }
            return socket;
        } catch (IOException e) {
            synchronized (this) {
                lastError = e.toString();
            }
            close(socket);
            return null;
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    private static int descriptorHeadroom() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 256));
        }
        return Integer.MAX_VALUE;
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
    }
}
