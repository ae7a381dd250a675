package dev.warren.internal.deadletter;

import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.FailureGroup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the failure of a dead letter, whatever transport carried it: its exception type, its
 * fingerprint (one bug, one group, across deploys), the groups of a set of letters, and its reason
 * with the quoted values taken out for logs and for users who may not see bodies. Stateless.
 */
public final class FailureReasons {

    private static final Pattern EXCEPTION_TYPE = Pattern.compile("^([\\w$.]+?)(?::|$)");
    private static final Pattern FRAME = Pattern.compile("^\\s*at ([^(]+)");
    private static final int FINGERPRINT_FRAMES = 3;

    /** A quoted value in a reason: a decoder or handler often quotes a piece of the message there. */
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|(?<![\\p{L}\\p{N}])'[^'\\s][^']*'(?![\\p{L}\\p{N}])");

    private FailureReasons() {
    }

    /** The type of the exception whose stack trace this is, from its first line. */
    public static @Nullable String exceptionType(@Nullable String stackTrace) {
        if (stackTrace == null) {
            return null;
        }
        Matcher matcher = EXCEPTION_TYPE.matcher(stackTrace.lines().findFirst().orElse(""));
        return matcher.find() ? matcher.group(1) : null;
    }

    /** The exception type and its top frames without line numbers, so that one bug is one group across deploys. */
    public static String fingerprint(@Nullable String exceptionType, @Nullable String stackTrace, String reason) {
        StringBuilder key = new StringBuilder();
        if (exceptionType != null && stackTrace != null) {
            key.append(exceptionType);
            stackTrace.lines().map(FRAME::matcher).filter(Matcher::find).limit(FINGERPRINT_FRAMES)
                    .forEach(frame -> key.append('|').append(frame.group(1).trim()));
        } else {
            // No stack trace: group by the reason with the numbers taken out.
            key.append(reason.replaceAll("\\d+", "#"));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The letters grouped by fingerprint, the largest group first. */
    public static List<FailureGroup> groups(Iterable<DeadLetter> letters) {
        Tally tally = new Tally();
        letters.forEach(tally::add);
        return tally.groups();
    }

    /**
     * Failure groups counted one letter at a time, keeping a group's example and times but not its
     * letters, so that a whole dead-letter queue is grouped in memory that grows with its groups
     * only. Not thread-safe: one pass adds to it.
     */
    public static final class Tally {

        private final Map<String, FailureGroup> byFingerprint = new LinkedHashMap<>();

        /** Counts a letter into its group; the group's first letter is its example. */
        public void add(DeadLetter letter) {
            Instant at = letter.failedAt();
            byFingerprint.merge(letter.fingerprint(), new FailureGroup(letter.fingerprint(), letter.exceptionType(),
                    letter.reason(), 1, at, at), (group, one) -> new FailureGroup(group.fingerprint(), group.exceptionType(),
                            group.exampleReason(), group.count() + 1, earlier(group.firstSeen(), at), later(group.lastSeen(), at)));
        }

        /** The groups so far, the largest first; of equal ones, the first seen first. */
        public List<FailureGroup> groups() {
            List<FailureGroup> groups = new ArrayList<>(byFingerprint.values());
            groups.sort((a, b) -> Long.compare(b.count(), a.count()));
            return groups;
        }

        private static @Nullable Instant earlier(@Nullable Instant a, @Nullable Instant b) {
            return a == null ? b : b == null || !b.isBefore(a) ? a : b;
        }

        private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
            return a == null ? b : b == null || !b.isAfter(a) ? a : b;
        }
    }

    /**
     * A reason with its quoted values taken out, for logs above DEBUG and for users without the
     * operator role: JSON decoders quote the token they stumbled on and handlers often quote what
     * they rejected, and either may be a piece of the body.
     */
    public static String redacted(String reason) {
        return QUOTED.matcher(reason).replaceAll(match -> match.group().charAt(0) == '"' ? "\"…\"" : "'…'");
    }

    /** The stack trace of a failure, as {@link Throwable#printStackTrace()} prints it. */
    public static String stackTrace(Throwable cause) {
        StringWriter writer = new StringWriter();
        cause.printStackTrace(new PrintWriter(writer));
        return writer.toString();
    }

    /** Cuts a string to at most {@code maxBytes} of UTF-8 without splitting a character. */
    public static String truncate(String value, int maxBytes) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return value;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
