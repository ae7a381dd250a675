package dev.warren.consumer;

import dev.warren.WarrenException;

/**
 * The most a consumer accepts from one message before it decodes it. A message over a limit is
 * dead-lettered with the limit it broke in its reason and is never handed to the handler.
 *
 * <pre>{@code
 * ConsumerSettings settings = ConsumerSettings.DEFAULTS.withLimits(
 *         InputLimits.DEFAULTS.withMaxMessageSize(8 * 1024 * 1024));
 * }</pre>
 *
 * <p>The JSON limits are applied on a copy of the application's JSON mapper that decodes payloads:
 * the mapper itself is left as it is, and where it has a stricter limit of its own, that one holds.
 * Immutable and thread-safe.
 *
 * @param maxMessageSize the largest body in bytes; a larger one is dead-lettered without being decoded
 * @param maxNestingDepth the deepest nesting of JSON objects and arrays
 * @param maxStringLength the longest JSON string, in characters, field names included
 * @param maxNumberLength the longest JSON number, in characters
 * @param maxDocumentLength the longest JSON document in bytes, or {@code 0} for no limit beyond
 *     {@code maxMessageSize}
 * @since 0.1
 */
public record InputLimits(long maxMessageSize, int maxNestingDepth, int maxStringLength, int maxNumberLength,
        long maxDocumentLength) {

    /**
     * 1 MiB. An event or command rarely needs a tenth of it; larger data travels better by reference
     * (a URL or storage key in the message). It also bounds what a consumer holds in memory:
     * {@code concurrency × prefetch × 1 MiB}, 10 MiB with the default settings.
     */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 1_048_576;

    /** 100: far deeper than any payload type, far below the depth that would exhaust the stack. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 100;

    /**
     * 1,048,576 characters: with the default message size any string fits, so the limit only
     * matters once the message size is raised: one string then still cannot take it all.
     */
    public static final int DEFAULT_MAX_STRING_LENGTH = 1_048_576;

    /** 100 characters: more than any amount or identifier; a longer number costs parse time for nothing. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;

    /** No document limit beyond the message size. */
    public static final long DEFAULT_MAX_DOCUMENT_LENGTH = 0;

    /** The defaults: 1 MiB bodies, nesting 100, strings of 1,048,576 characters, numbers of 100 characters. */
    public static final InputLimits DEFAULTS = new InputLimits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_NESTING_DEPTH,
            DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_NUMBER_LENGTH, DEFAULT_MAX_DOCUMENT_LENGTH);

    /**
     * Validates the limits.
     */
    public InputLimits {
        if (maxMessageSize < 1) {
            throw new WarrenException("max-message-size must be >= 1 byte but was " + maxMessageSize);
        }
        if (maxNestingDepth < 1) {
            throw new WarrenException("json.max-nesting-depth must be >= 1 but was " + maxNestingDepth);
        }
        if (maxStringLength < 1) {
            throw new WarrenException("json.max-string-length must be >= 1 but was " + maxStringLength);
        }
        if (maxNumberLength < 1) {
            throw new WarrenException("json.max-number-length must be >= 1 but was " + maxNumberLength);
        }
        if (maxDocumentLength < 0) {
            throw new WarrenException("json.max-document-length must be >= 0 but was " + maxDocumentLength
                    + "; use 0 for no limit beyond max-message-size");
        }
    }

    /**
     * The document limit in force: {@code maxDocumentLength} where set and smaller, else the message size.
     *
     * @return the longest JSON document in bytes
     */
    public long effectiveMaxDocumentLength() {
        return maxDocumentLength == 0 ? maxMessageSize : Math.min(maxDocumentLength, maxMessageSize);
    }

    /**
     * These limits with another message size.
     *
     * @param maxMessageSize the largest body in bytes
     * @return the limits
     */
    public InputLimits withMaxMessageSize(long maxMessageSize) {
        return new InputLimits(maxMessageSize, maxNestingDepth, maxStringLength, maxNumberLength, maxDocumentLength);
    }

    /**
     * These limits with another nesting depth.
     *
     * @param maxNestingDepth the deepest nesting
     * @return the limits
     */
    public InputLimits withMaxNestingDepth(int maxNestingDepth) {
        return new InputLimits(maxMessageSize, maxNestingDepth, maxStringLength, maxNumberLength, maxDocumentLength);
    }

    /**
     * These limits with another string length.
     *
     * @param maxStringLength the longest string in characters
     * @return the limits
     */
    public InputLimits withMaxStringLength(int maxStringLength) {
        return new InputLimits(maxMessageSize, maxNestingDepth, maxStringLength, maxNumberLength, maxDocumentLength);
    }

    /**
     * These limits with another number length.
     *
     * @param maxNumberLength the longest number in characters
     * @return the limits
     */
    public InputLimits withMaxNumberLength(int maxNumberLength) {
        return new InputLimits(maxMessageSize, maxNestingDepth, maxStringLength, maxNumberLength, maxDocumentLength);
    }

    /**
     * These limits with another document length.
     *
     * @param maxDocumentLength the longest document in bytes, {@code 0} for the message size
     * @return the limits
     */
    public InputLimits withMaxDocumentLength(long maxDocumentLength) {
        return new InputLimits(maxMessageSize, maxNestingDepth, maxStringLength, maxNumberLength, maxDocumentLength);
    }
}
