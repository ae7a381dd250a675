package dev.warren.internal.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads header values that any producer may have set to anything: a number as a string, a list,
 * a negative or huge number, a value of 100 KB. Every method answers for every input and never throws.
 */
public final class HeaderValues {

    /** Longer text is cut where a header value goes into a reason or a log line. */
    static final int MAX_PRINTED = 256;

    /** The encodings that would need a body inflated before it could be read. */
    private static final Set<String> COMPRESSING = Set.of("gzip", "x-gzip", "deflate", "br", "compress", "x-compress",
            "zstd", "snappy", "lz4", "bzip2", "xz", "zip");

    private HeaderValues() {
    }

    /**
     * The number of attempts a header records: a non-negative whole number, given as a number or as
     * its decimal text. Anything else (a negative or fractional number, text, a list, a value beyond
     * {@code Integer.MAX_VALUE - 1}) is no record, and {@code 0} is returned: the delivery counts as
     * a first attempt. A forged count can therefore only cost retries, never add them.
     *
     * @param value the header's value, or {@code null}
     * @return the attempts recorded, {@code 0} when none can be read
     */
    public static int attempts(@Nullable Object value) {
        BigInteger count = wholeNumber(value);
        if (count == null || count.signum() < 0 || count.compareTo(BigInteger.valueOf(Integer.MAX_VALUE - 1L)) > 0) {
            return 0;
        }
        return count.intValue();
    }

    private static @Nullable BigInteger wholeNumber(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return big;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().scale() <= 0 ? decimal.toBigInteger() : null;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 1e15 ? BigInteger.valueOf((long) d) : null;
        }
        // Spring AMQP hands over short AMQP long strings as String; a longer one is no count anyway.
        if (value instanceof CharSequence) {
            String text = value.toString().trim();
            // A count has at most ten digits; longer text is not parsed at all.
            if (text.isEmpty() || text.length() > 11) {
                return null;
            }
            try {
                return new BigInteger(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Whether a content encoding compresses the body. Charsets some clients put in the field
     * ({@code UTF-8}), {@code identity} and an absent value do not.
     *
     * @param encoding the content encoding, or {@code null}
     * @return {@code true} for gzip, deflate, br and the like
     */
    public static boolean isCompressed(@Nullable String encoding) {
        if (encoding == null) {
            return false;
        }
        for (String part : encoding.split(",")) {
            if (COMPRESSING.contains(part.trim().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A header value made fit for a reason or a log line: control characters replaced, cut to
     * {@code maxChars} with the full length stated.
     *
     * @param value the value, or {@code null}
     * @param maxChars the most characters kept
     * @return the printable text, {@code "null"} for {@code null}
     */
    public static String printable(@Nullable Object value, int maxChars) {
        if (value == null) {
            return "null";
        }
        String text = value instanceof byte[] bytes ? "(" + bytes.length + " bytes)" : value.toString();
        boolean cut = text.length() > maxChars;
        StringBuilder printable = new StringBuilder(Math.min(text.length(), maxChars) + 40);
        int end = cut ? maxChars : text.length();
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            printable.append(Character.isISOControl(c) ? '?' : c);
        }
        if (cut) {
            printable.append(String.format(Locale.ROOT, "… (%,d characters)", text.length()));
        }
        return printable.toString();
    }
}
