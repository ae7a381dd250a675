package dev.warren.idempotency;

import dev.warren.WarrenException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** The argument checks and expiry arithmetic the stores share, so they reject the same values with the same words. */
final class StoreArguments {

    /**
     * The latest expiry a store records: a TTL reaching beyond it (say {@code ChronoUnit.FOREVER}) is
     * cut to it, since neither {@link Instant#MAX} nor SQL timestamps go that far.
     */
    static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    private StoreArguments() {
    }

    static String requireKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new WarrenException("idempotency key must not be empty; derive it from the message id or a business key");
        }
        return key;
    }

    static Duration requirePositive(String name, Duration ttl) {
        Objects.requireNonNull(ttl, name);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new WarrenException(name + " must be positive but was " + ttl);
        }
        return ttl;
    }

    /** {@code now + ttl}, but never later than {@link #LATEST_EXPIRY}. */
    static Instant expiry(Instant now, Duration ttl) {
        if (Duration.between(now, LATEST_EXPIRY).compareTo(ttl) <= 0) {
            return LATEST_EXPIRY;
        }
        return now.plus(ttl);
    }
}
