package dev.warren.internal.pipeline;

import dev.warren.failure.PermanentFailureException;
import java.util.Locale;

/**
 * A message refused before it is decoded: too large, or encoded in a way Warren does not read.
 * Permanent: the same bytes are refused on every attempt.
 */
public final class UnacceptableMessageException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    private UnacceptableMessageException(String message) {
        super(message);
    }

    /** A body over the consumer's {@code max-message-size}. */
    public static UnacceptableMessageException tooLarge(long size, long limit) {
        return new UnacceptableMessageException(String.format(Locale.ROOT,
                "Body of %,d bytes exceeds the limit of %,d bytes (max-message-size); it was not decoded", size, limit));
    }

    /** A body with a compressing content encoding: Warren never inflates a body, which could be a zip bomb. */
    static UnacceptableMessageException compressed(String encoding) {
        return new UnacceptableMessageException("Content encoding '" + HeaderValues.printable(encoding, 64)
                + "' is not supported: Warren reads uncompressed JSON only and does not inflate message bodies");
    }
}
