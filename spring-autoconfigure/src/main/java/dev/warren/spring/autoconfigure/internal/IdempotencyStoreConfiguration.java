package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.idempotency.JdbcIdempotencyStore;
import dev.warren.idempotency.RedisIdempotencyStore;
import dev.warren.spring.autoconfigure.WarrenProperties;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@link IdempotencyStore} that idempotent handlers share, chosen by
 * {@code warren.idempotency.store}, unless the application defines its own. Imported by the
 * auto-configuration of each transport, since only one of them is active.
 */
@Configuration(proxyBeanMethods = false)
@Import({IdempotencyStoreConfiguration.MemoryStoreConfiguration.class, IdempotencyStoreConfiguration.RedisStoreConfiguration.class,
        IdempotencyStoreConfiguration.MissingRedisConfiguration.class, IdempotencyStoreConfiguration.JdbcStoreConfiguration.class,
        IdempotencyStoreConfiguration.InboxStoreConfiguration.class})
public class IdempotencyStoreConfiguration {

    private static final String STORE_PROPERTY = "warren.idempotency.store";

    /** The in-memory store: the default, deduplicating within one instance. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "memory", matchIfMissing = true)
    static class MemoryStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean(IdempotencyStore.class)
        IdempotencyStore warrenIdempotencyStore(WarrenProperties properties) {
            return new InMemoryIdempotencyStore(properties.getIdempotency().getMemoryMaxEntries(), Clock.systemUTC());
        }
    }

    /** The Redis store, on the application's Spring Data Redis connection. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "redis")
    @ConditionalOnClass(name = "org.springframework.data.redis.core.StringRedisTemplate")
    static class RedisStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean(IdempotencyStore.class)
        IdempotencyStore warrenIdempotencyStore(WarrenProperties properties, ObjectProvider<StringRedisTemplate> redis) {
            StringRedisTemplate template = redis.getIfAvailable();
            if (template == null) {
                throw new WarrenException(STORE_PROPERTY + ": redis needs a Redis connection; add "
                        + "spring-boot-starter-data-redis and set spring.data.redis.*, or use memory or jdbc");
            }
            return new RedisIdempotencyStore(template, properties.getIdempotency().getRedisKeyPrefix());
        }
    }

    /** Fails clearly when the Redis store is asked for without Spring Data Redis. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "redis")
    @ConditionalOnMissingClass("org.springframework.data.redis.core.StringRedisTemplate")
    static class MissingRedisConfiguration {

        @Bean
        IdempotencyStore warrenIdempotencyStore() {
            throw new WarrenException(STORE_PROPERTY + ": redis needs Spring Data Redis on the class path; add "
                    + "spring-boot-starter-data-redis, or use memory or jdbc");
        }
    }

    /** The inbox, on the application's DataSource: keys recorded in the handler's own transaction. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "inbox")
    @ConditionalOnClass(name = "javax.sql.DataSource")
    static class InboxStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean(IdempotencyStore.class)
        IdempotencyStore warrenIdempotencyStore(WarrenProperties properties, ObjectProvider<DataSource> dataSource) {
            DataSource source = dataSource.getIfAvailable();
            if (source == null) {
                throw new WarrenException(STORE_PROPERTY + ": inbox needs a DataSource; add spring-boot-starter-jdbc and "
                        + "set spring.datasource.*, or use memory or redis");
            }
            dev.warren.idempotency.JdbcInbox inbox = new dev.warren.idempotency.JdbcInbox(source);
            if (properties.getIdempotency().isJdbcCreateTable()) {
                inbox.createTableIfMissing();
            }
            return inbox;
        }
    }

    /** The JDBC store, on the application's DataSource. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "jdbc")
    @ConditionalOnClass(name = "javax.sql.DataSource")
    static class JdbcStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean(IdempotencyStore.class)
        IdempotencyStore warrenIdempotencyStore(WarrenProperties properties, ObjectProvider<DataSource> dataSource) {
            DataSource source = dataSource.getIfAvailable();
            if (source == null) {
                throw new WarrenException(STORE_PROPERTY + ": jdbc needs a DataSource; add spring-boot-starter-jdbc and "
                        + "set spring.datasource.*, or use memory or redis");
            }
            JdbcIdempotencyStore store = new JdbcIdempotencyStore(source, properties.getIdempotency().getJdbcTable(),
                    Clock.systemUTC());
            if (properties.getIdempotency().isJdbcCreateTable()) {
                store.createTableIfMissing();
            }
            return store;
        }
    }
}
