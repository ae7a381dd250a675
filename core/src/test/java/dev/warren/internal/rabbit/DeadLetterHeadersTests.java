package dev.warren.internal.rabbit;

import dev.warren.internal.deadletter.FailureReasons;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.warren.internal.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTests {

    @Test
    void truncateKeepsStringsWithinTheLimitUnchanged() {
        assertThat(FailureReasons.truncate("héllo", 6)).isEqualTo("héllo");
        assertThat(FailureReasons.truncate("héllo", 100)).isEqualTo("héllo");
        assertThat(FailureReasons.truncate("", 0)).isEmpty();
    }

    @Test
    void truncateNeverSplitsAMultiByteCharacterAndRespectsTheByteLimit() {
        // 1-, 2-, 3- and 4-byte UTF-8 characters (the last a surrogate pair in Java).
        String value = "a\u00e9\u20ac\uD83D\uDE00b\u00e9\u20ac\uD83D\uDE00";
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);

        for (int limit = 0; limit <= bytes.length; limit++) {
            String cut = FailureReasons.truncate(value, limit);
            int cutBytes = cut.getBytes(StandardCharsets.UTF_8).length;

            assertThat(cutBytes).as("bytes for limit %d", limit).isLessThanOrEqualTo(limit);
            assertThat(value).as("limit %d", limit).startsWith(cut);
            assertThat(cut).as("limit %d", limit).doesNotContain("\uFFFD");
            // Only as much is cut as the character at the boundary needs: at most 3 bytes short.
            assertThat(limit - cutBytes).as("limit %d", limit).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void truncateCutsInTheMiddleOfAFourByteCharacterToBeforeIt() {
        String value = "ab\uD83D\uDE00cd";

        assertThat(FailureReasons.truncate(value, 3)).isEqualTo("ab");
        assertThat(FailureReasons.truncate(value, 5)).isEqualTo("ab");
        assertThat(FailureReasons.truncate(value, 6)).isEqualTo("ab\uD83D\uDE00");
    }

    @Test
    void stackTraceContainsTheExceptionAndItsFrames() {
        String trace = FailureReasons.stackTrace(new IllegalStateException("boom"));

        assertThat(trace).startsWith("java.lang.IllegalStateException: boom")
                .contains("at " + DeadLetterHeadersTests.class.getName() + ".stackTraceContainsTheExceptionAndItsFrames");
    }

    @Test
    void keepsOriginalHeadersAndAddsReasonOriginAndAttempts() {
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("tenant", "acme");
        original.put("x-custom", 42);
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("VideoWorker.process threw IllegalStateException: boom",
                new IllegalStateException("boom"), 3, dev.warren.failure.FailureClass.UNKNOWN);

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "video.process", "", "video.process", 131_072);

        assertThat(headers)
                .containsEntry("tenant", "acme")
                .containsEntry("x-custom", 42)
                .containsEntry("x-exception-message", "VideoWorker.process threw IllegalStateException: boom")
                .containsEntry("x-original-queue", "video.process")
                .containsEntry("x-original-exchange", "")
                .containsEntry("x-original-routingKey", "video.process")
                .containsEntry("x-warren-attempts", 3);
        assertThat((String) headers.get("x-exception-stacktrace")).startsWith("java.lang.IllegalStateException: boom");
        assertThat(original).containsOnlyKeys("tenant", "x-custom");
    }

    @Test
    void missingExchangeAndRoutingKeyBecomeEmptyStrings() {
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("reason", new RuntimeException(), 1, dev.warren.failure.FailureClass.UNKNOWN);

        Map<String, Object> headers = DeadLetterHeaders.of(Map.of(), deadLetter, "q", null, null, 0);

        assertThat(headers).containsEntry("x-original-exchange", "").containsEntry("x-original-routingKey", "");
    }

    @Test
    void replacesReasonHeadersOfAnEarlierDeadLetter() {
        Map<String, Object> original = Map.of("x-exception-message", "old reason", "x-warren-attempts", 1);
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("new reason", new RuntimeException("new"), 2, dev.warren.failure.FailureClass.UNKNOWN);

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "q", "ex", "rk", 131_072);

        assertThat(headers).containsEntry("x-exception-message", "new reason").containsEntry("x-warren-attempts", 2);
    }

    @Test
    void hugeReasonIsCutTo8KiB() {
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("\u20ac".repeat(100_000), new RuntimeException(), 1, dev.warren.failure.FailureClass.UNKNOWN);

        Map<String, Object> headers = DeadLetterHeaders.of(Map.of(), deadLetter, "q", "", "q", 131_072);

        String message = (String) headers.get("x-exception-message");
        assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8_192).isGreaterThan(8_000);
        assertThat(message).matches("\u20ac+");
    }

    @Test
    void deepStackTraceIsCutSoTheHeaderFrameFitsASmallFrameMax() throws Exception {
        int frameMax = 30_000;
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("x".repeat(20_000), deepException(20_000), 7, dev.warren.failure.FailureClass.UNKNOWN);
        Map<String, Object> original = Map.of("tenant", "acme", "trace-id", "0123456789abcdef");

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "video.process", "", "video.process", frameMax);

        String trace = (String) headers.get("x-exception-stacktrace");
        assertThat(trace).startsWith("java.lang.IllegalStateException: deep").contains("\tat ");
        assertThat(trace.length()).isLessThan(FailureReasons.stackTrace(deadLetter.cause()).length());
        assertThat(headerFrameSize(headers)).isLessThan(frameMax);
    }

    @Test
    void defaultFrameMaxIsUsedWhenTheConnectionReportsNone() throws Exception {
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("reason", deepException(50_000), 1, dev.warren.failure.FailureClass.UNKNOWN);

        Map<String, Object> headers = DeadLetterHeaders.of(Map.of(), deadLetter, "q", "", "q", 0);

        String trace = (String) headers.get("x-exception-stacktrace");
        assertThat(trace.length()).isGreaterThan(30_000);
        assertThat(headerFrameSize(headers)).isLessThan(131_072);
    }

    /** The size of the AMQP content header frame that would carry these headers, as amqp-client encodes it. */
    private static int headerFrameSize(Map<String, Object> headers) throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .headers(headers)
                .contentType("application/json")
                .contentEncoding("UTF-8")
                .messageId("0f8fad5b-d9cb-469f-a165-70867728950e")
                .deliveryMode(2)
                .build();
        return properties.toFrame(1, 1_000).size();
    }

    private static IllegalStateException deepException(int depth) {
        IllegalStateException exception = new IllegalStateException("deep");
        StackTraceElement[] frames = new StackTraceElement[depth];
        for (int i = 0; i < depth; i++) {
            frames[i] = new StackTraceElement("com.example.deeply.nested.Recursion", "descend", "Recursion.java", i);
        }
        exception.setStackTrace(frames);
        return exception;
    }
}
