package dev.warren.protection;

import dev.warren.WarrenException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code permits} messages per {@code period} for one handler in one instance.
 *
 * <pre>{@code
 * RateLimit limit = RateLimit.parse("100/s");
 * }</pre>
 *
 * @param permits messages per period, at least 1
 * @param period the period, at least 1 ms
 * @since 0.1
 */
public record RateLimit(int permits, Duration period) {

    private static final Pattern TEXT = Pattern.compile("\\s*(\\d+)\\s*/\\s*(s|m|h)\\s*");

    /**
     * Validates the limit.
     */
    public RateLimit {
        Objects.requireNonNull(period, "period");
        if (permits < 1) {
            throw new WarrenException("rate limit permits must be >= 1 but was " + permits);
        }
        if (period.toMillis() < 1) {
            throw new WarrenException("rate limit period must be at least 1ms but was " + period);
        }
    }

    /**
     * Reads a rate such as {@code 100/s}, {@code 600/m} or {@code 1000/h}.
     *
     * @param text the rate
     * @return the limit
     * @throws WarrenException when the text is not a rate
     */
    public static RateLimit parse(String text) {
        Matcher matcher = TEXT.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new WarrenException("rate limit must look like 100/s, 600/m or 1000/h but was '" + text + "'");
        }
        long permits = Long.parseLong(matcher.group(1));
        if (permits < 1 || permits > Integer.MAX_VALUE) {
            throw new WarrenException("rate limit must allow between 1 and " + Integer.MAX_VALUE + " messages but was '" + text + "'");
        }
        Duration period = switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new RateLimit((int) permits, period);
    }

    @Override
    public String toString() {
        return permits + "/" + (period.equals(Duration.ofSeconds(1)) ? "s" : period.equals(Duration.ofMinutes(1)) ? "m"
                : period.equals(Duration.ofHours(1)) ? "h" : period.toString());
    }
}
