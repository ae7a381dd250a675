package dev.warren.deadletter;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Which dead letters an operation applies to.
 *
 * <pre>{@code
 * deadLetters.replay("payments.charge", Selection.fingerprint("3f2a9c1e"), ReplayOptions.defaults());
 * deadLetters.discard("payments.charge", Selection.failedBefore(Instant.now().minus(Duration.ofDays(7))), "stale", "ops");
 * }</pre>
 *
 * @since 0.1
 */
public final class Selection {

    private final String description;
    private final Predicate<DeadLetter> predicate;

    private Selection(String description, Predicate<DeadLetter> predicate) {
        this.description = description;
        this.predicate = predicate;
    }

    /** @return every dead letter */
    public static Selection all() {
        return new Selection("all", letter -> true);
    }

    /**
     * @param messageId a message id
     * @return the dead letters with that message id
     */
    public static Selection messageId(String messageId) {
        Objects.requireNonNull(messageId, "messageId");
        return new Selection("message id " + messageId, letter -> messageId.equals(letter.messageId()));
    }

    /**
     * @param fingerprint a failure group's fingerprint
     * @return the dead letters of that group
     */
    public static Selection fingerprint(String fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        return new Selection("fingerprint " + fingerprint, letter -> fingerprint.equals(letter.fingerprint()));
    }

    /**
     * @param exceptionType a fully qualified or simple exception class name
     * @return the dead letters that failed with it
     */
    public static Selection exceptionType(String exceptionType) {
        Objects.requireNonNull(exceptionType, "exceptionType");
        return new Selection("exception " + exceptionType, letter -> letter.exceptionType() != null
                && (letter.exceptionType().equals(exceptionType) || letter.exceptionType().endsWith("." + exceptionType)));
    }

    /**
     * @param instant a point in time
     * @return the dead letters that failed before it
     */
    public static Selection failedBefore(Instant instant) {
        return new Selection("failed before " + instant, letter -> letter.failedAt() != null && letter.failedAt().isBefore(instant));
    }

    /**
     * @param instant a point in time
     * @return the dead letters that failed after it
     */
    public static Selection failedAfter(Instant instant) {
        return new Selection("failed after " + instant, letter -> letter.failedAt() != null && letter.failedAt().isAfter(instant));
    }

    /**
     * Both this selection and another.
     *
     * @param other the other selection
     * @return the dead letters both select
     */
    public Selection and(Selection other) {
        return new Selection(description + " and " + other.description, predicate.and(other.predicate));
    }

    /**
     * The selection a set of optional criteria describes, as an HTTP request gives them.
     *
     * @param messageId a message id, or {@code null}
     * @param fingerprint a fingerprint, or {@code null}
     * @param exceptionType an exception type, or {@code null}
     * @param failedBefore an instant, or {@code null}
     * @param failedAfter an instant, or {@code null}
     * @return what all given criteria select; everything when none is given
     */
    public static Selection of(@Nullable String messageId, @Nullable String fingerprint, @Nullable String exceptionType,
            @Nullable Instant failedBefore, @Nullable Instant failedAfter) {
        Selection selection = all();
        if (messageId != null) {
            selection = selection.and(messageId(messageId));
        }
        if (fingerprint != null) {
            selection = selection.and(fingerprint(fingerprint));
        }
        if (exceptionType != null) {
            selection = selection.and(exceptionType(exceptionType));
        }
        if (failedBefore != null) {
            selection = selection.and(failedBefore(failedBefore));
        }
        if (failedAfter != null) {
            selection = selection.and(failedAfter(failedAfter));
        }
        return selection;
    }

    /**
     * Whether this selection includes a dead letter.
     *
     * @param letter the dead letter
     * @return {@code true} when selected
     */
    public boolean matches(DeadLetter letter) {
        return predicate.test(letter);
    }

    @Override
    public String toString() {
        return description;
    }
}
