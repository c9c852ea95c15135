package io.hangcheck.events;

/** A host's liveness state as the evaluator sees it. */
public enum HostStatus {
    /** Heartbeats arrive as expected. */
    UP,
    /** Silent longer than usual; no action. */
    SUSPECT,
    /** Silent past hang-after with healthy evidence: the executor may reboot it. */
    HUNG,
    /** Silent, but the path it talks over is not known to be healthy: cannot tell, never acted on. */
    HELD,
    /** The executor reported a reboot; waiting for a heartbeat with a new boot id. */
    REBOOTING
}
