package dev.warren.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderValuesTests {

    @Test
    void attemptsAreReadFromWholeNumbersAndTheirText() {
        assertThat(HeaderValues.attempts(3)).isEqualTo(3);
        assertThat(HeaderValues.attempts(3L)).isEqualTo(3);
        assertThat(HeaderValues.attempts(BigInteger.TWO)).isEqualTo(2);
        assertThat(HeaderValues.attempts(new BigDecimal("4.00"))).isEqualTo(4);
        assertThat(HeaderValues.attempts(2.0d)).isEqualTo(2);
        assertThat(HeaderValues.attempts(" 5 ")).isEqualTo(5);
        assertThat(HeaderValues.attempts(Integer.MAX_VALUE - 1)).isEqualTo(Integer.MAX_VALUE - 1);
    }

    @Test
    void anythingElseIsNoRecordOfAttempts() {
        assertThat(HeaderValues.attempts(null)).isZero();
        assertThat(HeaderValues.attempts(-1)).isZero();
        assertThat(HeaderValues.attempts("-3")).isZero();
        assertThat(HeaderValues.attempts(Long.MAX_VALUE)).isZero();
        assertThat(HeaderValues.attempts(Integer.MAX_VALUE)).isZero();
        assertThat(HeaderValues.attempts(new BigInteger("123456789012345678901234567890"))).isZero();
        assertThat(HeaderValues.attempts(2.5d)).isZero();
        assertThat(HeaderValues.attempts(Double.NaN)).isZero();
        assertThat(HeaderValues.attempts(Double.POSITIVE_INFINITY)).isZero();
        assertThat(HeaderValues.attempts(1e300)).isZero();
        assertThat(HeaderValues.attempts(new BigDecimal("1.5"))).isZero();
        assertThat(HeaderValues.attempts("many")).isZero();
        assertThat(HeaderValues.attempts("")).isZero();
        assertThat(HeaderValues.attempts("1".repeat(100_000))).as("long text is not parsed").isZero();
        assertThat(HeaderValues.attempts(List.of(1, 2))).isZero();
        assertThat(HeaderValues.attempts(Map.of("count", 1))).isZero();
        assertThat(HeaderValues.attempts(true)).isZero();
        assertThat(HeaderValues.attempts(new byte[] {1})).isZero();
    }

    @Test
    void compressingEncodingsAreRecognisedAndCharsetsAreNot() {
        assertThat(HeaderValues.isCompressed("gzip")).isTrue();
        assertThat(HeaderValues.isCompressed("GZIP")).isTrue();
        assertThat(HeaderValues.isCompressed("identity, deflate")).isTrue();
        assertThat(HeaderValues.isCompressed("br")).isTrue();
        assertThat(HeaderValues.isCompressed(null)).isFalse();
        assertThat(HeaderValues.isCompressed("")).isFalse();
        assertThat(HeaderValues.isCompressed("UTF-8")).isFalse();
        assertThat(HeaderValues.isCompressed("identity")).isFalse();
    }

    @Test
    void printableTextIsCutAndFreeOfControlCharacters() {
        assertThat(HeaderValues.printable(null, 10)).isEqualTo("null");
        assertThat(HeaderValues.printable("a\nb\u0000c", 10)).isEqualTo("a?b?c");
        assertThat(HeaderValues.printable("x".repeat(2_000), 5)).isEqualTo("xxxxx… (2,000 characters)");
        assertThat(HeaderValues.printable(new byte[3], 10)).isEqualTo("(3 bytes)");
    }
}
