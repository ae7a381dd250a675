package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.Selection;
import dev.warren.failure.PermanentFailureException;
import dev.warren.publish.Delay;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
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

    /** The shop on the shared broker, in {@code virtualHost}, as {@code user}. */
    static ApplicationContextRunner runner(String virtualHost, String user, String password) {
        RabbitBroker broker = RabbitBroker.get();
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
                        WarrenAutoConfiguration.class))
                .withUserConfiguration(Config.class)
                .withPropertyValues("spring.rabbitmq.host=" + broker.host(), "spring.rabbitmq.port=" + broker.port(),
                        "spring.rabbitmq.username=" + user, "spring.rabbitmq.password=" + password,
                        "spring.rabbitmq.virtual-host=" + virtualHost);
    }

    /**
     * Sends an order of each kind (plain, flaky, poison, delayed) and publishes one, and asserts that
     * each ends as it should: processed, retried, dead-lettered, billed; then discards the dead letter.
     */
    static void assertOrdersFlow(ApplicationContext context) {
        ShopHandlers shop = context.getBean(ShopHandlers.class);
        Warren warren = context.getBean(Warren.class);
        WarrenEngine engine = context.getBean(WarrenEngine.class);

        warren.send(ORDERS, new Order("o-1"));
        warren.send(ORDERS, new Order("flaky-1"));
        warren.send(ORDERS, new Order("poison-1"));
        warren.publish(PLACED, new Order("o-1"));
        warren.send(ORDERS, new Order("later-1"), Delay.of(Duration.ofMillis(300)));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(shop.processed).contains("o-1", "flaky-1", "later-1");
            assertThat(shop.billed).containsExactly("o-1");
            assertThat(engine.deadLetters().peek(ORDERS, 5)).extracting(DeadLetter::reason)
                    .singleElement().asString().contains("order poison-1 cannot be processed");
        });
        assertThat(engine.deadLetters().discard(ORDERS, Selection.all(), "bad test order", "it").moved()).isEqualTo(1);
    }
}
