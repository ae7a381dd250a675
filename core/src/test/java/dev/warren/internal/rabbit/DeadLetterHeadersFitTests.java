package dev.warren.internal.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.failure.FailureClass;
import dev.warren.internal.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
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

    private static int size(Map<String, Object> headers) {
        return headers.entrySet().stream().mapToInt(e -> e.getKey().length() + String.valueOf(e.getValue())
                .getBytes(StandardCharsets.UTF_8).length + 16).sum();
    }
}
