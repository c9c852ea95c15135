package io.hangcheck.events;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsciiIdTest {
    private static final List<AsciiId> RULES = List.of(Heartbeat.HOST_ID, Heartbeat.BOOT_ID, Heartbeat.LABEL_KEY);
    /** Every character class the rules tell apart, the boundaries of each range, and what lies beyond ASCII. */
    private static final String ALPHABET = "aAzZ09mM._:-/ @[`{~\n\t\u0000\u007f\u0080é\u212a\u0130ıſ-_.";

    @Test
    void theTableAndTheRegularExpressionAgreeOnRandomStrings() {
        Random rnd = new Random(42);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            int len = rnd.nextInt(6);
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < len; k++) {
                b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
            }
            String s = b.toString();
            for (AsciiId rule : RULES) {
                boolean expected = rule.pattern().matcher(s).matches();
                assertThat(rule.matches(s)).as("%s on \"%s\"", rule.pattern(), s).isEqualTo(expected);
                accepted += expected ? 1 : 0;
            }
        }
        assertThat(accepted).as("the random strings include accepted ones").isGreaterThan(10_000);
    }

    @Test
    void everyCharacterUpToLatin1IsJudgedAsThePatternJudgesIt() {
        for (AsciiId rule : RULES) {
            for (char c = 0; c < 0x200; c++) {
                for (String s : new String[]{"" + c, "a" + c, "A" + c, "0" + c, "a" + c + "b"}) {
                    assertThat(rule.matches(s)).as("%s on U+%04X in \"%s\"", rule.pattern(), (int) c, s)
                            .isEqualTo(rule.pattern().matcher(s).matches());
                }
            }
        }
    }

    @Test
    void aRejectionNamesTheFieldAndTheRuleAsBefore() {
        assertThatThrownBy(() -> Check.matches("bad host", "hostId", Heartbeat.HOST_ID, 128))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("hostId")
                .hasMessageContaining(Heartbeat.HOST_ID_PATTERN_TEXT);
        assertThat(Check.matches("lab-01.example", "hostId", Heartbeat.HOST_ID, 128)).isEqualTo("lab-01.example");
    }

    @Test
    void aSetThatIsNotAsciiIsRefused() {
        assertThatThrownBy(() -> AsciiId.of(Pattern.compile("^é$"), "é", "é"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
