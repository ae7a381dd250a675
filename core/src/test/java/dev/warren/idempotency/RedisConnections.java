package dev.warren.idempotency;

import dev.warren.test.RedisServer;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Connects tests to the Redis server that {@link RedisServer} found. */
public final class RedisConnections {

    private RedisConnections() {
    }

    /** A started connection factory; the caller destroys it. */
    public static LettuceConnectionFactory connect(RedisServer server) {
        RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(server.host(), server.port());
        configuration.setDatabase(server.database());
        configuration.setUsername(server.username());
        configuration.setPassword(RedisPassword.of(server.password()));
        LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
