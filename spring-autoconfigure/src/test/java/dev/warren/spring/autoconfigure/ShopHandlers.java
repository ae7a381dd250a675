package dev.warren.spring.autoconfigure;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.failure.PermanentFailureException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A small shop for the topology tests: a work queue that retries, a subscription, and orders that
 * fail once ({@code flaky-*}) or for good ({@code poison-*}).
 */
class ShopHandlers {

    static final String ORDERS = "orders";
    static final String PLACED = "order.placed";

    record Order(String id) {
    }

    final List<String> processed = new CopyOnWriteArrayList<>();
    final List<String> billed = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failedOnce = new AtomicBoolean();

    @Consumer(queue = ORDERS, retry = @Retry(maxAttempts = 3, backoff = "200ms"))
    void order(Order order) {
        if (order.id().startsWith("poison")) {
            throw new PermanentFailureException("order " + order.id() + " cannot be processed");
        }
        if (order.id().startsWith("flaky") && failedOnce.compareAndSet(false, true)) {
            throw new IllegalStateException("the warehouse did not answer");
        }
        processed.add(order.id());
    }

    @Subscribe(topic = PLACED, group = "billing")
    void bill(Order order) {
        billed.add(order.id());
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ShopHandlers shopHandlers() {
            return new ShopHandlers();
        }
    }
}
