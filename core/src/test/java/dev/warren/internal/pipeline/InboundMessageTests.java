package dev.warren.internal.pipeline;

import dev.warren.internal.WarrenHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundMessageTests {

    @Test
    void withoutAttemptsHeaderThisIsTheFirstAttempt() {
        assertThat(message(Map.of()).attempt()).isEqualTo(1);
    }

    @Test
    void numericHeaderCountsEarlierAttempts() {
        assertThat(withAttempts(0).attempt()).isEqualTo(1);
        assertThat(withAttempts(2).attempt()).isEqualTo(3);
        assertThat(withAttempts(4L).attempt()).isEqualTo(5);
        assertThat(withAttempts((short) 1).attempt()).isEqualTo(2);
        assertThat(withAttempts((byte) 6).attempt()).isEqualTo(7);
    }

    @Test
    void stringHeaderIsParsed() {
        assertThat(withAttempts("2").attempt()).isEqualTo(3);
        assertThat(withAttempts(" 4 ").attempt()).isEqualTo(5);
    }

    @Test
    void garbageHeaderCountsAsFirstAttempt() {
        assertThat(withAttempts("two").attempt()).isEqualTo(1);
        assertThat(withAttempts("").attempt()).isEqualTo(1);
        assertThat(withAttempts(true).attempt()).isEqualTo(1);
        assertThat(withAttempts(new byte[] {1, 2}).attempt()).isEqualTo(1);
    }

    @Test
    void negativeHeaderCountsAsFirstAttempt() {
        assertThat(withAttempts(-1).attempt()).isEqualTo(1);
        assertThat(withAttempts(-5L).attempt()).isEqualTo(1);
        assertThat(withAttempts("-3").attempt()).isEqualTo(1);
    }

    @Test
    void headerTooLargeForAnIntCountsAsFirstAttempt() {
        assertThat(withAttempts((long) Integer.MAX_VALUE).attempt()).isEqualTo(1);
        assertThat(withAttempts(Long.MAX_VALUE).attempt()).isEqualTo(1);
        assertThat(withAttempts(String.valueOf(Integer.MAX_VALUE)).attempt()).isEqualTo(1);
        assertThat(withAttempts("99999999999").attempt()).isEqualTo(1);
    }

    private static InboundMessage withAttempts(Object value) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(WarrenHeaders.ATTEMPTS, value);
        return message(headers);
    }

    private static InboundMessage message(Map<String, Object> headers) {
        return new InboundMessage("q", new byte[0], "application/json", "m-1", false, headers);
    }
}
