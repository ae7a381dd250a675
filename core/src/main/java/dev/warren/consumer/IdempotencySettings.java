package dev.warren.consumer;

import dev.warren.WarrenException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whether and how a handler deduplicates messages.
 *
 * @param enabled whether a message whose key was processed before is skipped
 * @param keyField the payload field that is the key, as a top-level JSON field name or a JSON
 *     pointer; {@code null} for the AMQP {@code message_id}
 * @param ttl how long a processed key is remembered
 * @param claimTtl how long a claim holds when its consumer dies while processing; longer than the
 *     slowest handler run
 * @param store the name of the store to use (such as {@code redis}), or {@code null} for the
 *     engine's default store
 * @since 0.1
 */
public record IdempotencySettings(boolean enabled, @Nullable String keyField, Duration ttl, Duration claimTtl,
        @Nullable String store) {

    /** 24 hours, as the scenario's Redis example. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    /** Five minutes: a handler that takes longer should raise it. */
    public static final Duration DEFAULT_CLAIM_TTL = Duration.ofMinutes(5);

    /** Not deduplicating. */
    public static final IdempotencySettings DISABLED = new IdempotencySettings(false, null, DEFAULT_TTL, DEFAULT_CLAIM_TTL, null);

    /**
     * Validates the settings.
     */
    public IdempotencySettings {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(claimTtl, "claimTtl");
        if (ttl.toMillis() < 1) {
            throw new WarrenException("idempotency ttl must be positive but was " + ttl);
        }
        if (claimTtl.toMillis() < 1) {
            throw new WarrenException("idempotency claim-ttl must be positive but was " + claimTtl);
        }
        if (keyField != null && keyField.isBlank()) {
            keyField = null;
        }
        if (store != null && store.isBlank()) {
            store = null;
        }
    }

    /**
     * Settings without a store name, for the engine's default store.
     *
     * @param enabled whether to deduplicate
     * @param keyField the payload field, or {@code null} for the message id
     * @param ttl how long a processed key is remembered
     * @param claimTtl how long a claim holds
     */
    public IdempotencySettings(boolean enabled, @Nullable String keyField, Duration ttl, Duration claimTtl) {
        this(enabled, keyField, ttl, claimTtl, null);
    }

    /**
     * These settings, deduplicating or not.
     *
     * @param enabled whether to deduplicate
     * @return the settings
     */
    public IdempotencySettings withEnabled(boolean enabled) {
        return new IdempotencySettings(enabled, keyField, ttl, claimTtl, store);
    }

    /**
     * These settings with another key field.
     *
     * @param keyField the payload field, or {@code null} for the message id
     * @return the settings
     */
    public IdempotencySettings withKeyField(@Nullable String keyField) {
        return new IdempotencySettings(enabled, keyField, ttl, claimTtl, store);
    }
}
