package io.hangcheck.simulator;

import io.hangcheck.agent.config.ConfigException;

import java.util.List;
import java.util.Locale;

/**
 * How the simulated BMCs behave ({@code --bmc-profile}): which system ids, which reset types they list, how they
 * refuse an unlisted one, and whether they are busy at first. The vendor profiles follow what the real ones
 * answer in public bug reports and their own emulators, so that a client tested here meets their quirks.
 */
public enum BmcProfile {
    /** Every type, ids are the host ids; never busy. The default. */
    HANGCHECK(List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart", "GracefulRestart", "PowerCycle"), 400, 0),
    /** OpenStack sushy-tools' emulator: systems named by UUID (a name answers 307), no PowerCycle (501). */
    SUSHY(List.of("On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi", "ForceOn"), 501, 0),
    /** Dell iDRAC9 (firmware 3.34): System.Embedded.1, no GracefulRestart (400), busy (503, Retry-After) at first. */
    IDRAC(List.of("On", "ForceOff", "ForceRestart", "GracefulShutdown", "PushPowerButton", "Nmi", "PowerCycle"), 400, 1),
    /** HPE iLO 5: system 1, neither GracefulRestart nor PowerCycle (400), busy (503, Retry-After) at first. */
    ILO(List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart", "Nmi", "PushPowerButton"), 400, 2);

    /** ResetType@Redfish.AllowableValues. */
    final List<String> resetTypes;
    /** The status an unlisted ResetType is refused with. */
    final int unlistedStatus;
    /** When > 0, a host's first reset is answered 503 with this Retry-After (seconds). */
    final int busyRetryAfter;

    BmcProfile(List<String> resetTypes, int unlistedStatus, int busyRetryAfter) {
        this.resetTypes = resetTypes;
        this.unlistedStatus = unlistedStatus;
        this.busyRetryAfter = busyRetryAfter;
    }

    public static BmcProfile parse(String v, String field) {
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field, "'" + v + "' is not hangcheck, sushy, idrac or ilo");
        }
    }

    /** The id of a host's system on its own BMC ({@code /bmc/{host}/redfish/v1}), where it is the only one. */
    String singleId(String hostId, int host) {
        return switch (this) {
            case HANGCHECK -> hostId;
            case SUSHY -> uuid(host);
            case IDRAC -> "System.Embedded.1";
            case ILO -> "1";
        };
    }

    /** The id of a host's system on the fleet-wide BMC ({@code /redfish/v1}): unique, so vendors' fixed ids cannot be used. */
    String fleetId(String hostId, int host) {
        return this == SUSHY ? uuid(host) : hostId;
    }

    /** A stable UUID per host index, reversible (see {@link #hostOfUuid}). */
    static String uuid(int host) {
        return String.format(Locale.ROOT, "27946b59-9e44-4fa7-8e91-%012x", host);
    }

    /** The host index of a {@link #uuid}, or -1. */
    static int hostOfUuid(String id) {
        if (id.length() != 36 || !id.startsWith("27946b59-9e44-4fa7-8e91-")) {
            return -1;
        }
        try {
            long n = Long.parseLong(id.substring(24), 16);
            return n > Integer.MAX_VALUE ? -1 : (int) n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
