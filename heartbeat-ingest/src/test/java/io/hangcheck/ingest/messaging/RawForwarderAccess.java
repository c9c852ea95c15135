package io.hangcheck.ingest.messaging;

/** Lets tests outside the package reach the forwarder's loop thread. */
public final class RawForwarderAccess {
    private RawForwarderAccess() {
    }

    public static Thread thread(RawForwarder forwarder) {
        return forwarder.thread();
    }
}
