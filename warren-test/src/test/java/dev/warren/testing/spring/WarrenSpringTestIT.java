package dev.warren.testing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.publish.PublishOptions;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenSpringTest;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/** {@link WarrenSpringTest}: the application runs in a virtual host of its own and reports to the harness, a thousand times faster. */
@WarrenSpringTest(classes = WarrenSpringTestIT.ShopApplication.class, timeScale = 0.001,
        properties = "shop.invoices=shop.invoices")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarrenSpringTestIT {

    record Invoice(String id, long cents) {
    }

    /** The handler as the application has it: its one-minute backoff is configuration the test does not touch. */
    static class Billing {
        final AtomicInteger attempts = new AtomicInteger();

        @Consumer(queue = "${shop.invoices}", retry = @Retry(maxAttempts = 3, backoff = "1m", maxBackoff = "5m"))
        void bill(Invoice invoice) throws IOException {
            if (invoice.id().startsWith("flaky") && attempts.incrementAndGet() <= 2) {
                throw new IOException("ledger unreachable");
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Billing.class)
    static class ShopApplication {
    }

    @Autowired
    Warren warren;

    @Autowired
    WarrenHarness harness;

    @Autowired
    TestBroker broker;

    @Test
    @Order(1)
    void applicationRunsInTheVirtualHostOfTheTestClass(@Autowired Environment environment,
            @Autowired ConnectionFactory connectionFactory) {
        assertThat(broker.isolated()).isTrue();
        assertThat(broker.virtualHost()).startsWith("warren-test.WarrenSpringTestIT.");
        assertThat(environment.getProperty("spring.rabbitmq.virtual-host")).isEqualTo(broker.virtualHost());
        assertThat(connectionFactory.getVirtualHost()).isEqualTo(broker.virtualHost());
        assertThat(environment.getProperty("warren.time-scale", Double.class)).isEqualTo(0.001);
    }

    @Test
    @Order(2)
    void handlerConsumesWhatTheApplicationSends() {
        warren.send("shop.invoices", new Invoice("i-1", 1999));

        assertThat(harness.awaitConsumed("shop.invoices", Invoice.class)).isEqualTo(new Invoice("i-1", 1999));
        assertThat(broker.messageCount("shop.invoices")).isZero();
    }

    @Test
    @Order(3)
    void harnessIsResetAfterEachTest() {
        assertThat(harness.events()).isEmpty();
    }

    @Test
    @Order(4)
    void aOneMinuteBackoffIsRetriedInMilliseconds(@Autowired WarrenEngine engine) {
        long started = System.nanoTime();

        warren.send("shop.invoices", new Invoice("flaky-1", 500), PublishOptions.builder().messageId("m-1").build());

        assertThat(harness.awaitRetried("shop.invoices", "m-1", 2)).containsExactly(Duration.ofMillis(60), Duration.ofMillis(120));
        assertThat(harness.awaitConsumed("shop.invoices", Invoice.class)).isEqualTo(new Invoice("flaky-1", 500));
        // A minute between attempts unscaled; the bound leaves room for a busy machine.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(engine.topology().queues()).extracting(queue -> queue.name())
                .contains("shop.invoices.retry.60ms", "shop.invoices.retry.120ms");
    }

    @Test
    @Order(5)
    void badJsonFromAnotherServiceIsDeadLetteredWithTheReason() {
        harness.publishRaw("shop.invoices", "{\"id\": \"i-2\", \"cents\": \"a lot\"}");

        assertThat(harness.awaitDeadLettered("shop.invoices")).contains("does not decode as JSON");
        assertThat(broker.messageCount("shop.invoices.dlq")).isOne();
    }
}
