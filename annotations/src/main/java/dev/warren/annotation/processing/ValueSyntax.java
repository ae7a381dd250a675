package dev.warren.annotation.processing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The syntax of the string attributes of the handler annotations, as the runtime reads them. Each
 * check returns what is wrong with a value, or {@code null} when it is fine.
 *
 * <p>Stateless; safe for any thread.
 */
final class ValueSyntax {

    /** The longest AMQP short string, which is what queue and exchange names are. */
    static final int MAX_NAME_BYTES = 255;

    /** Same as {@code dev.warren.internal.DurationText}, which core parses {@code @Retry} durations with. */
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Same as {@code dev.warren.protection.RateLimit} in core, which reads it case-insensitively. */
    private static final Pattern RATE_LIMIT = Pattern.compile("\\s*(\\d+)\\s*/\\s*(s|m|h)\\s*");

    private static final Pattern CIRCUIT_BREAKER = Pattern.compile("[A-Za-z0-9._-]+");

    private ValueSyntax() {
    }

    /**
     * Whether a value is resolved from the environment when the application starts, as in
     * {@code ${video.queue}} or {@code ${video.queue:video.process}}, so that only the runtime can
     * check it.
     */
    static boolean isPlaceholder(String value) {
        return value.contains("${");
    }

    /**
     * What is wrong with a queue, topic or group name that is not blank: too long, or containing
     * characters that RabbitMQ tools and URLs handle badly.
     */
    static @Nullable String nameProblem(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "is " + bytes + " bytes of UTF-8 but RabbitMQ names are at most " + MAX_NAME_BYTES;
        }
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            if (Character.isISOControl(c)) {
                return "contains the control character " + codePoint(c) + " at index " + i;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return "contains whitespace (" + codePoint(c) + ") at index " + i;
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /**
     * What is wrong with a non-blank {@code @Retry} duration, mirroring how core parses it and the
     * retry policy's lower bound of 1ms.
     */
    static @Nullable String durationProblem(String text) {
        Duration duration = parseDuration(text);
        if (duration == null) {
            return "is not a duration";
        }
        if (duration.isNegative() || duration.compareTo(Duration.ofMillis(1)) < 0) {
            return "is shorter than 1ms";
        }
        return null;
    }

    /**
     * Parses a duration as core does, or returns {@code null} if it cannot be read (also when the
     * number overflows, which core would fail on).
     */
    static @Nullable Duration parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = SIMPLE_DURATION.matcher(trimmed);
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text.trim());
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            return null;
        }
    }

    /** What is wrong with a non-blank rate limit such as {@code 100/s}. */
    static @Nullable String rateLimitProblem(String text) {
        Matcher matcher = RATE_LIMIT.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return "is not a number of messages per second, minute or hour"
                    + (isPlaceholder(text) ? " (placeholders are not resolved in rateLimit)" : "");
        }
        int count;
        try {
            count = Integer.parseInt(matcher.group(1));
        } catch (NumberFormatException e) {
            return "has a count above " + Integer.MAX_VALUE;
        }
        if (count < 1) {
            return "allows no message at all";
        }
        return null;
    }

    /** What is wrong with a non-empty circuit breaker name. */
    static @Nullable String circuitBreakerProblem(String name) {
        if (name.isBlank()) {
            return "is blank";
        }
        if (!CIRCUIT_BREAKER.matcher(name).matches()) {
            return "contains characters other than letters, digits, '-', '_' and '.'"
                    + (isPlaceholder(name) ? " (placeholders are not resolved in circuitBreaker)" : "");
        }
        return null;
    }

    private static String codePoint(int c) {
        return String.format(Locale.ROOT, "U+%04X", c);
    }
}
