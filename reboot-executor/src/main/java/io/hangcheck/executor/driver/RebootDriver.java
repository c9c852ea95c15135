package io.hangcheck.executor.driver;

/** One way to reset a host. Implementations are stateless and thread-safe. */
public interface RebootDriver {

    /** Name used in the inventory ({@code dry-run}, {@code redfish}, {@code exec}, {@code webhook}). */
    String name();

    /**
     * Asks for the reset. Returns a short description of what was done (recorded in the ledger), or
     * throws a typed {@link DriverException}.
     */
    String reset(ResetRequest request) throws DriverException, InterruptedException;
}
