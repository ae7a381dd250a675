package dev.warren.idempotency;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * An {@link IdempotencyStore} in Redis, shared by every instance of an application. Each key is one
 * Redis string, {@code <keyPrefix><key>}, whose value says its state and whose Redis TTL is the
 * claim's or the marker's:
 * <ul>
 *   <li>{@link #claim claim}: {@code SET k processing NX PX claimTtl}; when the key exists, its
 *       value {@code done} means {@link Claim#ALREADY_PROCESSED}, anything else
 *       {@link Claim#IN_PROGRESS};</li>
 *   <li>{@link #markProcessed markProcessed}: {@code SET k done PX ttl};</li>
 *   <li>{@link #release release}: deletes the key only while it still holds {@code processing}
 *       (a compare-and-delete Lua script), so a release never removes a {@code done} marker.</li>
 * </ul>
 * Redis expires keys itself; TTLs are rounded up to whole milliseconds. The claim value names no
 * owner: a consumer releasing after its own claim expired and another consumer claimed the key
 * releases that other claim, which costs at most one duplicate attempt; choose {@code claimTtl}
 * above the longest handler run.
 *
 * <p>Requires {@code org.springframework.data:spring-data-redis}, an optional dependency of Warren
 * core, and a client such as Lettuce.
 *
 * <pre>{@code
 * LettuceConnectionFactory connections = new LettuceConnectionFactory("redis.internal", 6379);
 * connections.afterPropertiesSet();
 * IdempotencyStore store = new RedisIdempotencyStore(new StringRedisTemplate(connections));
 * }</pre>
 *
 * <p>Thread-safe: all consumer threads share one instance, as they share the template.
 *
 * @since 0.1
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    /** The prefix of every key unless the constructor is given another: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "warren:idempotency:";

    /** The value of a claimed key. */
    static final String PROCESSING = "processing";

    /** The value of a key processed successfully. */
    static final String DONE = "done";

    /** Deletes KEYS[1] only while it holds ARGV[1]; returns the number of keys deleted. */
    private static final RedisScript<Long> COMPARE_AND_DELETE = new DefaultRedisScript<>(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
            Long.class);

    private final StringRedisTemplate redis;
    private final String keyPrefix;

    /**
     * Creates a store whose keys start with {@link #DEFAULT_KEY_PREFIX}.
     *
     * @param redis the template to reach Redis with
     */
    public RedisIdempotencyStore(StringRedisTemplate redis) {
        this(redis, DEFAULT_KEY_PREFIX);
    }

    /**
     * Creates a store whose keys start with the given prefix.
     *
     * @param redis the template to reach Redis with
     * @param keyPrefix put before every key, e.g. {@code "orders-service:idempotency:"}; may be empty
     */
    public RedisIdempotencyStore(StringRedisTemplate redis, String keyPrefix) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    }

    @Override
    public Claim claim(String key, Duration claimTtl) {
        StoreArguments.requireKey(key);
        Duration ttl = redisTtl(StoreArguments.requirePositive("claimTtl", claimTtl));
        String redisKey = keyPrefix + key;
        return call("claim", redisKey, () -> {
            // Two rounds: a key can vanish (released, or expired) between the SET NX and the GET.
            for (int round = 0; round < 2; round++) {
                if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(redisKey, PROCESSING, ttl))) {
                    return Claim.CLAIMED;
                }
                String value = redis.opsForValue().get(redisKey);
                if (value != null) {
                    return DONE.equals(value) ? Claim.ALREADY_PROCESSED : Claim.IN_PROGRESS;
                }
            }
            // Vanished twice: another consumer is busy with the key right now.
            return Claim.IN_PROGRESS;
        });
    }

    @Override
    public void markProcessed(String key, Duration ttl) {
        StoreArguments.requireKey(key);
        Duration redisTtl = redisTtl(StoreArguments.requirePositive("ttl", ttl));
        String redisKey = keyPrefix + key;
        call("mark processed", redisKey, () -> {
            redis.opsForValue().set(redisKey, DONE, redisTtl);
            return null;
        });
    }

    @Override
    public void release(String key) {
        StoreArguments.requireKey(key);
        String redisKey = keyPrefix + key;
        call("release", redisKey, () -> redis.execute(COMPARE_AND_DELETE, List.of(redisKey), PROCESSING));
    }

    private <T> T call(String operation, String redisKey, Supplier<T> command) {
        try {
            return command.get();
        } catch (DataAccessException e) {
            throw new IdempotencyStoreException("Redis idempotency store could not " + operation + " key '" + redisKey
                    + "' (" + e.getClass().getSimpleName() + "); check that Redis is reachable, the delivery is retried", e);
        }
    }

    /** Whole milliseconds, rounded up (PX takes milliseconds; 0 would be an error), at most what PX accepts. */
    private static Duration redisTtl(Duration ttl) {
        Duration latest = Duration.ofMillis(Long.MAX_VALUE / 2);
        if (ttl.compareTo(latest) >= 0) {
            return latest;
        }
        Duration millis = Duration.ofMillis(ttl.toMillis());
        return millis.equals(ttl) ? ttl : millis.plusMillis(1);
    }
}
