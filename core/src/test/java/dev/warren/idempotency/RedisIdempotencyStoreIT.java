package dev.warren.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.idempotency.IdempotencyStore.Claim;
import dev.warren.test.RedisServer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

class RedisIdempotencyStoreIT extends IdempotencyStoreContract {

    final String prefix = RedisServer.uniquePrefix("idempotency");
    final LettuceConnectionFactory connections = RedisConnections.connect(RedisServer.get());
    final StringRedisTemplate redis = new StringRedisTemplate(connections);
    final RedisIdempotencyStore store = new RedisIdempotencyStore(redis, prefix);

    @Override
    IdempotencyStore store() {
        return store;
    }

    @Override
    Duration shortTtl() {
        return Duration.ofMillis(500);
    }

    @Override
    void advance(Duration duration) {
        // Redis expires keys in real time: the test awaits it.
    }

    @AfterEach
    void deleteKeysAndDisconnect() {
        try {
            Set<String> keys = redis.keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.delete(keys);
            }
        } finally {
            connections.destroy();
        }
    }

    @Test
    void claimIsAProcessingValueThatExpiresAfterTheClaimTtl() {
        store.claim("orders:1", Duration.ofSeconds(30));

        assertThat(redis.opsForValue().get(prefix + "orders:1")).isEqualTo("processing");
        assertThat(redis.getExpire(prefix + "orders:1", TimeUnit.MILLISECONDS)).isBetween(20_000L, 30_000L);
    }

    @Test
    void markProcessedIsADoneValueThatExpiresAfterItsTtl() {
        store.claim("orders:1", Duration.ofSeconds(30));
        store.markProcessed("orders:1", Duration.ofHours(2));

        assertThat(redis.opsForValue().get(prefix + "orders:1")).isEqualTo("done");
        assertThat(redis.getExpire(prefix + "orders:1", TimeUnit.SECONDS)).isBetween(7_000L, 7_200L);
    }

    @Test
    void releaseDeletesOnlyAProcessingValue() {
        redis.opsForValue().set(prefix + "foreign", "something-else");
        store.claim("orders:1", LONG);

        store.release("foreign");
        store.release("orders:1");

        assertThat(redis.opsForValue().get(prefix + "foreign")).isEqualTo("something-else");
        assertThat(redis.hasKey(prefix + "orders:1")).isFalse();
    }

    @Test
    void anyOtherValueIsTakenForAClaimInProgress() {
        redis.opsForValue().set(prefix + "orders:1", "written-by-a-newer-warren");

        assertThat(store.claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void subMillisecondTtlIsRoundedUpRatherThanRejectedByRedis() {
        assertThat(store.claim("orders:1", Duration.ofNanos(1))).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void defaultPrefixIsWarrenIdempotency() {
        RedisIdempotencyStore defaults = new RedisIdempotencyStore(redis);
        String key = prefix.substring("warren-it:".length()) + "orders:1"; // unique, and deleted below
        try {
            defaults.claim(key, LONG);

            assertThat(redis.opsForValue().get("warren:idempotency:" + key)).isEqualTo("processing");
        } finally {
            redis.delete("warren:idempotency:" + key);
        }
    }
}
