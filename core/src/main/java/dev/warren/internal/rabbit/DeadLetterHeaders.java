package dev.warren.internal.rabbit;

import com.rabbitmq.client.impl.Frame;
import dev.warren.internal.WarrenHeaders;
import dev.warren.internal.deadletter.FailureReasons;
import dev.warren.internal.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The headers a dead-lettered copy gains. The names of the reason headers are those of Spring
 * AMQP's {@code RepublishMessageRecoverer}, so tooling built for it reads Warren's dead letters.
 */
public final class DeadLetterHeaders {

    /** The headers a dead letter gets from Warren, whatever the original carried under those names. */
    private static final java.util.Set<String> ORIGIN_HEADERS = java.util.Set.of(WarrenHeaders.ORIGINAL_EXCHANGE, WarrenHeaders.ORIGINAL_ROUTING_KEY,
            WarrenHeaders.ORIGINAL_QUEUE, WarrenHeaders.ATTEMPTS, WarrenHeaders.FAILED_AT);

    /** Room left in the header frame for the AMQP properties other than headers. */
    private static final int FRAME_HEADROOM = 20_000;

    /** The frame size RabbitMQ negotiates by default, when the connection reports none. */
    private static final int DEFAULT_FRAME_MAX = 131_072;

    /** Keeps a dead letter readable when the reason is a huge message. */
    private static final int MAX_MESSAGE_BYTES = 8_192;

    /** At least this much of the reason always fits: original headers are cut to make room for it. */
    private static final int MIN_REASON_BYTES = 2_048;

    /** A value no longer than the note that would replace it is left alone. */
    private static final int CUT_NOTE_BYTES = 100;

    private DeadLetterHeaders() {
    }

    /**
     * The original headers plus the reason, the origin and the attempts. The stack trace is cut so
     * that the whole header frame fits in {@code frameMax}.
     */
    static Map<String, Object> of(Map<String, Object> original, Outcome.DeadLetter deadLetter, String queue,
            @Nullable String exchange, @Nullable String routingKey, int frameMax) {
        Map<String, Object> headers = new LinkedHashMap<>(original);
        // A reason from an earlier failure is replaced below; it must not count against this one's room.
        headers.remove(WarrenHeaders.EXCEPTION_MESSAGE);
        headers.remove(WarrenHeaders.EXCEPTION_STACKTRACE);
        headers.put(WarrenHeaders.ORIGINAL_EXCHANGE, exchange == null ? "" : exchange);
        headers.put(WarrenHeaders.ORIGINAL_ROUTING_KEY, routingKey == null ? "" : routingKey);
        headers.put(WarrenHeaders.ORIGINAL_QUEUE, queue);
        headers.put(WarrenHeaders.ATTEMPTS, deadLetter.attempts());
        headers.put(WarrenHeaders.FAILED_AT, System.currentTimeMillis());
        int frame = frameMax > 0 ? frameMax : DEFAULT_FRAME_MAX;
        // The reason comes first: original headers too large to leave room for it are cut.
        int reasonRoom = Math.min(deadLetter.reason().getBytes(StandardCharsets.UTF_8).length, MIN_REASON_BYTES) + 64;
        cutToFit(headers, headerRoom(frame) - reasonRoom, ORIGIN_HEADERS);
        // The stack trace gets what room is left. Each of the two entries costs, besides its text, its
        // name as a short string, a type byte and the text's four-byte length.
        int budget = Math.max(headerRoom(frame) - estimateSize(headers), 0);
        String message = FailureReasons.truncate(deadLetter.reason(), Math.max(Math.min(MAX_MESSAGE_BYTES,
                budget - (WarrenHeaders.EXCEPTION_MESSAGE.length() + 6)), 0));
        headers.put(WarrenHeaders.EXCEPTION_MESSAGE, message);
        budget = Math.max(budget - message.getBytes(StandardCharsets.UTF_8).length - WarrenHeaders.EXCEPTION_MESSAGE.length() - 6
                - WarrenHeaders.EXCEPTION_STACKTRACE.length() - 6, 0);
        headers.put(WarrenHeaders.EXCEPTION_STACKTRACE, FailureReasons.truncate(FailureReasons.stackTrace(deadLetter.cause()), budget));
        return headers;
    }

    /**
     * Copies of a message's headers with a header of Warren's added: the largest original values
     * are cut if the copy would no longer fit in one header frame, which the broker would answer by
     * closing the connection.
     *
     * @param original the delivered headers
     * @param name the header to add
     * @param value its value
     * @param frameMax the connection's negotiated frame size, {@code 0} when unknown
     * @return the headers to republish with
     */
    static Map<String, Object> withHeader(Map<String, Object> original, String name, Object value, int frameMax) {
        Map<String, Object> headers = new LinkedHashMap<>(original);
        headers.put(name, value);
        cutToFit(headers, headerRoom(frameMax > 0 ? frameMax : DEFAULT_FRAME_MAX), java.util.Set.of(name));
        return headers;
    }

    private static int headerRoom(int frame) {
        return frame - Math.min(FRAME_HEADROOM, frame / 2);
    }

    /**
     * Replaces the largest header values, other than the {@code kept} ones Warren has just set,
     * with a note of their size until the headers take at most {@code room} bytes as AMQP encodes
     * them. When every value left is shorter than such a note, whole headers are dropped, the
     * largest first, until they fit.
     */
    static void cutToFit(Map<String, Object> headers, int room, java.util.Set<String> kept) {
        int size = estimateSize(headers);
        while (size > room) {
            Map.Entry<String, Object> largest = null;
            int largestSize = 0;
            for (Map.Entry<String, Object> entry : headers.entrySet()) {
                if (kept.contains(entry.getKey())) {
                    continue;
                }
                int entrySize = valueSize(entry.getValue());
                if (entrySize > largestSize) {
                    largest = entry;
                    largestSize = entrySize;
                }
            }
            if (largest == null) {
                return;
            }
            if (largestSize <= CUT_NOTE_BYTES) {
                // Thousands of short headers: cutting values cannot make room, and a header frame larger
                // than the connection's frame size makes amqp-client throw after it took the publish's
                // sequence number, which aborts the channel and fails every confirm in flight on it.
                java.util.List<Map.Entry<String, Integer>> droppable = new java.util.ArrayList<>();
                for (Map.Entry<String, Object> entry : headers.entrySet()) {
                    if (!kept.contains(entry.getKey())) {
                        droppable.add(Map.entry(entry.getKey(), nameSize(entry.getKey()) + valueSize(entry.getValue())));
                    }
                }
                droppable.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
                for (Map.Entry<String, Integer> entry : droppable) {
                    if (size <= room) {
                        return;
                    }
                    headers.remove(entry.getKey());
                    size -= entry.getValue();
                }
                return;
            }
            // Only values with a length get here; the note gives that length, without the type byte and the length itself.
            String note = String.format(java.util.Locale.ROOT, "[cut by Warren: a value of %,d bytes did not fit in "
                    + "the header frame]", largestSize - 5);
            largest.setValue(note);
            size = size - largestSize + valueSize(note);
        }
    }

    /**
     * What a header value takes in the content header frame, as amqp-client encodes it: its type
     * byte and its encoding (a {@code byte[]} or a nested table counted byte for byte).
     */
    private static int valueSize(@Nullable Object value) {
        try {
            // Frame.tableSize counts each name as a short string; the empty name takes its one length byte.
            return (int) Math.min(Frame.tableSize(java.util.Collections.singletonMap("", value)) - 1, Integer.MAX_VALUE);
        } catch (java.io.UnsupportedEncodingException | IllegalArgumentException e) {
            // A type amqp-client cannot encode: the publish itself reports it; until then, count its text.
            return String.valueOf(value).getBytes(StandardCharsets.UTF_8).length + 5;
        }
    }

    /** A header name is an AMQP short string: a length byte and its UTF-8. */
    private static int nameSize(String name) {
        return 1 + name.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The size of the headers table in the content header frame, its four-byte length included. */
    private static int estimateSize(Map<String, Object> headers) {
        long size = 4;
        for (Map.Entry<String, Object> entry : headers.entrySet()) {
            size += nameSize(entry.getKey()) + valueSize(entry.getValue());
        }
        return (int) Math.min(size, Integer.MAX_VALUE);
    }
}
