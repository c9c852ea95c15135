package io.hangcheck.executor.driver;

import io.hangcheck.executor.domain.ResetType;

import java.util.List;
import java.util.Optional;

/**
 * What to send a BMC for a requested reset, from what it advertises. The executor's ladder
 * (GracefulRestart → ForceRestart → PowerCycle) is mapped onto the BMC's {@code ResetType@Redfish.AllowableValues}:
 * a listed step is sent as asked; an unlisted one is refused here, before sending, so that the executor may go on
 * to the next step at once; a host whose power is Off is powered On instead (a restart of an Off host does nothing
 * on many BMCs, and On is what brings it back).
 */
final class ResetPlan {

    /** Why nothing is sent. */
    enum Refusal {
        TYPE_NOT_LISTED("the BMC does not list this ResetType among its AllowableValues, so it would refuse it; nothing was sent"),
        POWER_ON_NOT_LISTED("the system is Off and the BMC lists neither On nor ForceOn; nothing was sent");

        final String sentence;

        Refusal(String sentence) {
            this.sentence = sentence;
        }
    }

    /** Either a {@code ResetType} value to send, or a refusal. */
    record Decision(String send, Refusal refusal) {
        boolean refused() {
            return refusal != null;
        }
    }

    private ResetPlan() {
    }

    /**
     * @param allowable the BMC's AllowableValues; empty when it advertises none (then the type is sent and the BMC decides)
     * @param powerState the system's {@code PowerState}, or null when not reported
     */
    static Decision decide(ResetType requested, List<String> allowable, String powerState) {
        boolean listsAll = allowable.isEmpty();
        if ("Off".equals(powerState)) {
            if (listsAll || allowable.contains("On")) {
                return new Decision("On", null);
            }
            return allowable.contains("ForceOn") ? new Decision("ForceOn", null) : new Decision(null, Refusal.POWER_ON_NOT_LISTED);
        }
        if (listsAll || allowable.contains(requested.name())) {
            return new Decision(requested.name(), null);
        }
        return new Decision(null, Refusal.TYPE_NOT_LISTED);
    }

    /** The next harsher step of the ladder the BMC lists, for the message that tells where escalation goes. */
    static Optional<ResetType> nextListed(ResetType requested, List<String> allowable) {
        for (Optional<ResetType> t = requested.next(); t.isPresent(); t = t.get().next()) {
            if (allowable.isEmpty() || allowable.contains(t.get().name())) {
                return t;
            }
        }
        return Optional.empty();
    }
}
