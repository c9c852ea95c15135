package io.hangcheck.executor.service;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The executor's background timers: daemon threads with a name (a stuck timer never holds the process up at exit). */
public final class Daemons {
    private Daemons() {
    }

    /** A timer of {@code threads} daemon threads named {@code name}. */
    public static ScheduledExecutorService timer(String name, int threads) {
        return Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
