package io.hangcheck.evaluator.domain;

import java.util.Locale;

/**
 * A reason the evaluator counts by a metric label and explains in a sentence ({@link Ignored}, {@link Anomaly},
 * {@link Forgotten}): the label is the constant's name in lower case ({@code OUT_OF_ORDER}: {@code out_of_order}),
 * made once.
 */
public record CountedReason(String label, String sentence) {

    static CountedReason of(Enum<?> constant, String sentence) {
        return new CountedReason(constant.name().toLowerCase(Locale.ROOT), sentence);
    }

    /** An enum of counted reasons: each constant holds its {@link CountedReason}. */
    public interface Kind {
        CountedReason reason();

        /** The metric label. */
        default String label() {
            return reason().label();
        }

        /** What it means, for a person. */
        default String sentence() {
            return reason().sentence();
        }
    }
}
