package dev.warren.idempotency;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

class RedisIdempotencyStoreTests {

    // Nothing listens on port 1: every call fails to connect, fast.
    final LettuceConnectionFactory unreachable = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
    final RedisIdempotencyStore store;

    RedisIdempotencyStoreTests() {
        unreachable.afterPropertiesSet();
        store = new RedisIdempotencyStore(new StringRedisTemplate(unreachable), "orders:");
    }

    @AfterEach
    void close() {
        unreachable.destroy();
    }

    @Test
    void unreachableRedisIsAStoreExceptionNamingOperationAndKey() {
        assertThatThrownBy(() -> store.claim("42", Duration.ofMinutes(1)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("Redis idempotency store could not claim key 'orders:42'");
        assertThatThrownBy(() -> store.markProcessed("42", Duration.ofMinutes(1)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("Redis idempotency store could not mark processed key 'orders:42'");
        assertThatThrownBy(() -> store.release("42"))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("Redis idempotency store could not release key 'orders:42'");
    }
}
