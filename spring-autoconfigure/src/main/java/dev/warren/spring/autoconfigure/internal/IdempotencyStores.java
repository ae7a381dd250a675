package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.idempotency.JdbcIdempotencyStore;
import dev.warren.idempotency.RedisIdempotencyStore;
import dev.warren.spring.autoconfigure.WarrenProperties;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The idempotency stores handlers may name in {@code warren.queues.<q>.idempotency.store}, made on
 * first use from the application's Redis connection or DataSource, and shared by the handlers
 * that name them.
 */
public final class IdempotencyStores implements Function<String, IdempotencyStore> {

    private static final String REDIS_TEMPLATE = "org.springframework.data.redis.core.StringRedisTemplate";

    private final ListableBeanFactory beanFactory;
    private final WarrenProperties.Idempotency properties;
    private final Map<String, IdempotencyStore> stores = new ConcurrentHashMap<>();

    public IdempotencyStores(ListableBeanFactory beanFactory, WarrenProperties.Idempotency properties) {
        this.beanFactory = beanFactory;
        this.properties = properties;
    }

    @Override
    public @Nullable IdempotencyStore apply(String name) {
        return stores.computeIfAbsent(name.toLowerCase(Locale.ROOT), this::create);
    }

    private IdempotencyStore create(String name) {
        return switch (name) {
            case "memory" -> new InMemoryIdempotencyStore(properties.getMemoryMaxEntries(), Clock.systemUTC());
            case "redis" -> {
                if (!ClassUtils.isPresent(REDIS_TEMPLATE, getClass().getClassLoader())) {
                    throw new WarrenException("idempotency store redis needs spring-boot-starter-data-redis on the class path");
                }
                yield Redis.store(beanFactory, properties.getRedisKeyPrefix());
            }
            case "jdbc" -> {
                DataSource dataSource = beanFactory.getBeanProvider(DataSource.class).getIfUnique();
                if (dataSource == null) {
                    throw new WarrenException("idempotency store jdbc needs a DataSource; add spring-boot-starter-jdbc and "
                            + "set spring.datasource.*");
                }
                JdbcIdempotencyStore store = new JdbcIdempotencyStore(dataSource, properties.getJdbcTable(), Clock.systemUTC());
                if (properties.isJdbcCreateTable()) {
                    store.createTableIfMissing();
                }
                yield store;
            }
            case "inbox" -> {
                DataSource dataSource = beanFactory.getBeanProvider(DataSource.class).getIfUnique();
                if (dataSource == null) {
                    throw new WarrenException("idempotency store inbox needs a DataSource; add spring-boot-starter-jdbc and "
                            + "set spring.datasource.*");
                }
                dev.warren.idempotency.JdbcInbox inbox = new dev.warren.idempotency.JdbcInbox(dataSource);
                if (properties.isJdbcCreateTable()) {
                    inbox.createTableIfMissing();
                }
                yield inbox;
            }
            default -> throw new WarrenException("idempotency store '" + name + "' is unknown; use memory, redis, jdbc or inbox");
        };
    }

    /** Keeps Spring Data Redis types out of the outer class, so that Redis stays optional. */
    private static final class Redis {

        static IdempotencyStore store(ListableBeanFactory beanFactory, String prefix) {
            org.springframework.data.redis.core.StringRedisTemplate template =
                    beanFactory.getBeanProvider(org.springframework.data.redis.core.StringRedisTemplate.class).getIfUnique();
            if (template == null) {
                throw new WarrenException("idempotency store redis needs a Redis connection; set spring.data.redis.*");
            }
            return new RedisIdempotencyStore(template, prefix);
        }
    }
}
