package dev.warren.internal.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.warren.failure.FailureClass;
import dev.warren.internal.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersFitTests {

    static final int FRAME_MAX = 131_072;

    @Test
    void theReasonFitsWhenOriginalHeadersFillTheFrame() {
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("small", "kept");
        original.put("note", "n".repeat(128_000));
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("order o-1 is refused", new IllegalStateException("x"), 1,
                FailureClass.PERMANENT);

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "q", "", "q", FRAME_MAX);

        assertThat(headers).containsEntry("small", "kept").containsEntry("x-exception-message", "order o-1 is refused")
                .containsEntry("note", "[cut by Warren: a value of 128,000 bytes did not fit in the header frame]");
        assertThat(size(headers)).isLessThan(FRAME_MAX);
    }

    @Test
    void forgedWarrenHeadersAreCutLikeAnyOther() {
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("x-warren-forged", "f".repeat(125_000));
        original.put("x-exception-stacktrace", "s".repeat(5_000));
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("refused", new IllegalStateException("x"), 1,
                FailureClass.PERMANENT);

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "q", "", "q", FRAME_MAX);

        assertThat(String.valueOf(headers.get("x-warren-forged"))).startsWith("[cut by Warren: a value of 125,000 bytes");
        assertThat(headers).containsEntry("x-exception-message", "refused");
        assertThat(String.valueOf(headers.get("x-exception-stacktrace"))).startsWith("java.lang.IllegalStateException: x");
        assertThat(size(headers)).isLessThan(FRAME_MAX);
    }

    @Test
    void headersThatFitAreLeftAsTheyAre() {
        Map<String, Object> original = Map.of("note", "n".repeat(10_000), "x-death", List.of(Map.of("count", 1L)));

        Map<String, Object> headers = DeadLetterHeaders.withHeader(original, "x-warren-attempts", 2, FRAME_MAX);

        assertThat(headers).containsAllEntriesOf(original).containsEntry("x-warren-attempts", 2);
    }

    @Test
    void aRetryCopyOfHugeHeadersIsCutToFit() {
        Map<String, Object> original = Map.of("a", "a".repeat(70_000), "b", "b".repeat(60_000));

        Map<String, Object> headers = DeadLetterHeaders.withHeader(original, "x-warren-attempts", 1, FRAME_MAX);

        assertThat(String.valueOf(headers.get("a"))).startsWith("[cut by Warren: a value of 70,000 bytes");
        assertThat(headers.get("b")).isEqualTo("b".repeat(60_000));
        assertThat(size(headers)).isLessThan(FRAME_MAX - 20_000);
    }

    @Test
    void aLargeByteArrayHeaderIsCutSoTheDeadLetterFitsTheFrame() throws Exception {
        // A byte[] prints as "[B@1b6d3586" whatever its length: only its encoded size tells.
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("tenant", "acme");
        original.put("blob", new byte[128_000]);
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("refused", new IllegalStateException("x"), 1,
                FailureClass.PERMANENT);

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "q", "", "q", FRAME_MAX);

        assertThat(String.valueOf(headers.get("blob"))).startsWith("[cut by Warren: a value of 128,");
        assertThat(headers).containsEntry("tenant", "acme").containsEntry("x-exception-message", "refused");
        assertThat(headerFrameSize(headers)).isLessThanOrEqualTo(FRAME_MAX);
    }

    @Test
    void aRetryCopyWithALargeByteArrayHeaderFitsTheFrame() throws Exception {
        Map<String, Object> original = Map.of("blob", new byte[140_000]);

        Map<String, Object> headers = DeadLetterHeaders.withHeader(original, "x-warren-attempts", 1, FRAME_MAX);

        assertThat(headers).containsEntry("x-warren-attempts", 1);
        assertThat(headerFrameSize(headers)).isLessThanOrEqualTo(FRAME_MAX);
    }

    @Test
    void thousandsOfShortHeadersAreDroppedUntilTheDeadLetterFitsTheFrame() throws Exception {
        // No single value is worth cutting: each is shorter than the note that would replace it.
        Map<String, Object> original = new LinkedHashMap<>();
        for (int i = 0; i < 6_000; i++) {
            original.put(String.format("h-%05d", i), "short value " + i);
        }
        Outcome.DeadLetter deadLetter = new Outcome.DeadLetter("order o-1 is refused", new IllegalStateException("x"), 3,
                FailureClass.PERMANENT);

        Map<String, Object> headers = DeadLetterHeaders.of(original, deadLetter, "q", "ex", "rk", FRAME_MAX);

        assertThat(headerFrameSize(headers)).isLessThanOrEqualTo(FRAME_MAX);
        assertThat(headers).containsEntry("x-exception-message", "order o-1 is refused")
                .containsEntry("x-original-queue", "q").containsEntry("x-original-exchange", "ex")
                .containsEntry("x-original-routingKey", "rk").containsEntry("x-warren-attempts", 3)
                .containsKey("x-warren-failed-at");
        assertThat(String.valueOf(headers.get("x-exception-stacktrace"))).startsWith("java.lang.IllegalStateException: x");
        // Only as many are dropped as the frame needs.
        assertThat(headers.keySet().stream().filter(name -> name.startsWith("h-")).count()).isBetween(1_000L, 5_999L);
    }

    @Test
    void aRetryCopyOfThousandsOfShortHeadersFitsTheFrame() throws Exception {
        Map<String, Object> original = new LinkedHashMap<>();
        for (int i = 0; i < 12_000; i++) {
            original.put(String.format("h-%05d", i), i);
        }

        Map<String, Object> headers = DeadLetterHeaders.withHeader(original, "x-warren-attempts", 2, FRAME_MAX);

        assertThat(headers).containsEntry("x-warren-attempts", 2);
        assertThat(headerFrameSize(headers)).isLessThanOrEqualTo(FRAME_MAX);
    }

    /**
     * The size of the AMQP content header frame that would carry these headers, as amqp-client
     * encodes it, with every other property at its longest.
     */
    private static int headerFrameSize(Map<String, Object> headers) throws Exception {
        String longest = "p".repeat(255);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .headers(headers).contentType(longest).contentEncoding(longest).messageId(longest).correlationId(longest)
                .replyTo(longest).type(longest).userId(longest).appId(longest).clusterId(longest)
                .deliveryMode(2).priority(9).timestamp(new Date())
                .build();
        return properties.toFrame(1, 1_000).size();
    }

    private static int size(Map<String, Object> headers) {
        return headers.entrySet().stream().mapToInt(e -> e.getKey().length() + String.valueOf(e.getValue())
                .getBytes(StandardCharsets.UTF_8).length + 16).sum();
    }
}
