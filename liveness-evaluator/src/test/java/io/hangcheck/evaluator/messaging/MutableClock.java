package io.hangcheck.evaluator.messaging;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand (shared by the processor's punctuations and the fleet guard). */
public final class MutableClock extends Clock {
    private volatile long millis;

    public MutableClock(long millis) {
        this.millis = millis;
    }

    public void advance(long ms) {
        millis += ms;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
