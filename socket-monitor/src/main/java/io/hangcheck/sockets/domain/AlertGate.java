package io.hangcheck.sockets.domain;

/**
 * Hysteresis for one alert: it opens after {@code openAfter} consecutive breaching scans and resolves only
 * after {@code resolveAfter} consecutive clear scans, where "clear" is a lower threshold than "breaching"
 * (the caller decides both). A scan between the two thresholds breaks either streak, so a value hovering
 * around one threshold can never make the alert flap scan by scan.
 */
public final class AlertGate {
    /** What one scan did to the alert. */
    public enum Transition { NONE, OPENED, RESOLVED }

    private final int openAfter;
    private final int resolveAfter;
    private boolean open;
    private int breachStreak;
    private int clearStreak;
    private long openedAtMillis;

    public AlertGate(int openAfter, int resolveAfter) {
        if (openAfter < 1 || resolveAfter < 1) {
            throw new IllegalArgumentException("openAfter and resolveAfter must be >= 1");
        }
        this.openAfter = openAfter;
        this.resolveAfter = resolveAfter;
    }

    /**
     * One scan's verdict.
     *
     * @param breaching above the opening threshold
     * @param clear     below the resolving threshold (must not be true together with {@code breaching})
     */
    public Transition update(boolean breaching, boolean clear, long nowMillis) {
        if (breaching && clear) {
            throw new IllegalArgumentException("a scan cannot be both breaching and clear");
        }
        breachStreak = breaching ? breachStreak + 1 : 0;
        clearStreak = clear ? clearStreak + 1 : 0;
        if (!open && breachStreak >= openAfter) {
            open = true;
            openedAtMillis = nowMillis;
            clearStreak = 0;
            return Transition.OPENED;
        }
        if (open && clearStreak >= resolveAfter) {
            open = false;
            breachStreak = 0;
            return Transition.RESOLVED;
        }
        return Transition.NONE;
    }

    public boolean isOpen() {
        return open;
    }

    public long openedAtMillis() {
        return openedAtMillis;
    }

    /** Idle: closed with no streak under way (safe to forget). */
    public boolean isIdle() {
        return !open && breachStreak == 0;
    }
}
