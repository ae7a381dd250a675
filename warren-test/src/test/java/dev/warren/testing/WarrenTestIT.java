package dev.warren.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.failure.PermanentFailureException;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.publish.PublishOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** {@link WarrenTest} with a plain engine: a virtual host of its own, the harness's assertions, time scaled a thousandfold. */
@WarrenTest(timeScale = 0.001)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarrenTestIT {

    record Invoice(String id, long cents) {
    }

    record InvoicePaid(String id) {
    }

    /** Fails the first attempts at each invoice, as a flaky dependency would; a negative amount is a bug in the sender. */
    static final class Billing {
        final AtomicInteger attempts = new AtomicInteger();
        final int failFirst;

        Billing(int failFirst) {
            this.failFirst = failFirst;
        }

        @Consumer(queue = "billing", idempotent = true, retry = @Retry(maxAttempts = 3, backoff = "1m", maxBackoff = "5m"))
        void bill(Invoice invoice) throws IOException {
            if (invoice.cents() < 0) {
                throw new IllegalArgumentException("invoice " + invoice.id() + " has a negative amount");
            }
            if (attempts.incrementAndGet() <= failFirst) {
                throw new IOException("ledger unreachable");
            }
        }
    }

    static final class Receipts {
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "invoice.paid", group = "receipts")
        void send(InvoicePaid paid) {
            sent.add(paid.id());
        }
    }

    /** Down for the first five calls: enough to open a breaker whose default wait in the open state is 30 s. */
    static final class Ledger {
        final AtomicInteger calls = new AtomicInteger();

        @Consumer(queue = "ledger", circuitBreaker = "ledger", retry = @Retry(maxAttempts = 10, backoff = "1s"))
        void record(Invoice invoice) throws IOException {
            if (calls.incrementAndGet() <= 5) {
                throw new IOException("ledger down");
            }
        }
    }

    @Test
    void eachTestClassRunsInAVirtualHostOfItsOwn(TestBroker broker, WarrenHarness harness) {
        assertThat(broker.isolated()).isTrue();
        assertThat(broker.virtualHost()).startsWith("warren-test.WarrenTestIT.");
        assertThat(broker.harness()).isSameAs(harness);
        assertThat(broker.springProperties()).containsEntry("spring.rabbitmq.virtual-host", broker.virtualHost())
                .containsEntry("warren.time-scale", 0.001);
    }

    @Test
    void consumedPayloadIsReturned(TestBroker broker, WarrenHarness harness) {
        WarrenEngine engine = broker.start(new Billing(0));

        engine.warren().send("billing", new Invoice("i-1", 1999));

        assertThat(harness.awaitConsumed("billing", Invoice.class)).isEqualTo(new Invoice("i-1", 1999));
        assertThat(harness.awaitPublished("billing", Invoice.class)).isEqualTo(new Invoice("i-1", 1999));
        assertThat(broker.messageCount("billing")).isZero();
    }

    @Test
    void aOneMinuteBackoffIsRetriedInMilliseconds(TestBroker broker, WarrenHarness harness) {
        WarrenEngine engine = broker.start(new Billing(2));
        long started = System.nanoTime();

        engine.warren().send("billing", new Invoice("i-2", 500), PublishOptions.builder().messageId("m-2").build());

        assertThat(harness.awaitRetried("billing", "m-2", 2)).containsExactly(Duration.ofMillis(60), Duration.ofMillis(120));
        assertThat(harness.awaitConsumed("billing", Invoice.class)).isEqualTo(new Invoice("i-2", 500));
        // A minute between attempts unscaled; the bound leaves room for a busy machine.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(harness.awaitFailed("billing", IOException.class)).hasMessage("ledger unreachable");
        assertThat(engine.consumerSettings().get("billing").retry().backoff()).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void failureIsDeadLetteredWithTheReason(TestBroker broker, WarrenHarness harness) {
        WarrenEngine engine = broker.start(new Billing(0));

        engine.warren().send("billing", new Invoice("i-3", -1), PublishOptions.builder().messageId("m-3").build());

        assertThat(harness.awaitFailed("billing", IllegalArgumentException.class))
                .hasMessage("invoice i-3 has a negative amount");
        assertThat(harness.awaitDeadLettered("billing", "m-3")).contains("invoice i-3 has a negative amount");
        assertThat(harness.await(DeliveryEvent.Kind.RETRIED, "billing", 2)).extracting(DeliveryEvent::messageId)
                .containsOnly("m-3");
    }

    @Test
    void rawBadJsonFromAnotherServiceIsDeadLetteredWithTheReason(TestBroker broker, WarrenHarness harness) {
        broker.start(new Billing(0));

        harness.publishRaw("billing", RawMessage.json("{\"id\": \"i-4\", \"cents\": ").withMessageId("m-4")
                .withHeader("x-source", "legacy-shop"));

        assertThat(harness.awaitDeadLettered("billing", "m-4")).contains("does not decode as JSON");
        assertThat(harness.awaitFailed("billing", PermanentFailureException.class)).isNotNull();
        assertThat(harness.events()).noneMatch(event -> event.kind() == DeliveryEvent.Kind.RETRIED);
    }

    @Test
    void secondCopyIsSkippedAsADuplicate(TestBroker broker, WarrenHarness harness) {
        Billing billing = new Billing(0);
        WarrenEngine engine = broker.start(billing);
        PublishOptions sameId = PublishOptions.builder().messageId("m-5").build();

        engine.warren().send("billing", new Invoice("i-5", 100), sameId);
        engine.warren().send("billing", new Invoice("i-5", 100), sameId);

        assertThat(harness.awaitDuplicate("billing")).isEqualTo("m-5");
        assertThat(harness.awaitConsumed("billing", Invoice.class)).isEqualTo(new Invoice("i-5", 100));
        assertThat(billing.attempts).hasValue(1);
    }

    @Test
    void eventPublishedToATopicReachesItsSubscriber(TestBroker broker, WarrenHarness harness) {
        Receipts receipts = new Receipts();
        WarrenEngine engine = broker.start(receipts);

        engine.warren().publish("invoice.paid", new InvoicePaid("i-6"));
        harness.publishRawToTopic("invoice.paid", RawMessage.json("{\"id\":\"i-7\"}"));

        assertThat(harness.awaitPublished("invoice.paid", InvoicePaid.class)).isEqualTo(new InvoicePaid("i-6"));
        assertThat(harness.awaitConsumed("invoice.paid.receipts", InvoicePaid.class, 2))
                .containsExactlyInAnyOrder(new InvoicePaid("i-6"), new InvoicePaid("i-7"));
        assertThat(receipts.sent).containsExactlyInAnyOrder("i-6", "i-7");
    }

    @Test
    void breakerWaitInOpenStateIsScaledToo(TestBroker broker, WarrenHarness harness) {
        Ledger ledger = new Ledger();
        WarrenEngine engine = broker.start(broker.engine(ledger).circuitBreaker("ledger",
                CircuitBreakerSettings.DEFAULTS.withFailureThreshold(5)));
        long started = System.nanoTime();

        for (int i = 0; i < 6; i++) {
            engine.warren().send("ledger", new Invoice("l-" + i, 1));
        }

        // Five failures open the breaker for 30 s unscaled; here for 30 ms, then trial calls close it.
        assertThat(harness.within(Duration.ofSeconds(15)).awaitConsumed("ledger", Invoice.class, 6)).hasSize(6);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(ledger.calls).hasValueGreaterThanOrEqualTo(11);
        assertThat(engine.circuitBreakerStates()).containsEntry("ledger", "CLOSED");
    }

    @Test
    void whatDidNotHappenFailsWithWhatDid(TestBroker broker, WarrenHarness harness) {
        WarrenEngine engine = broker.start(new Billing(0));
        engine.warren().send("billing", new Invoice("i-8", 1));
        harness.awaitConsumed("billing", Invoice.class);

        assertThatThrownBy(() -> harness.within(Duration.ofMillis(200)).awaitDeadLettered("billing"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected a message from billing dead-lettered within 200 ms; recorded instead:")
                .hasMessageContaining("CONSUMED billing")
                .hasMessageContaining("Invoice[id=i-8, cents=1]");
    }

    @Test
    void rawMessageToAQueueThatDoesNotExistFailsAtOnce(WarrenHarness harness) {
        assertThatThrownBy(() -> harness.publishRaw("nobody.listens", "{}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No queue took the raw message to queue nobody.listens: it does not exist yet; start the engine "
                        + "whose handler consumes it before publishing");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void harnessStartsEachTestEmpty(WarrenHarness harness) {
        // Runs last: the other tests of this class recorded events, and each test sees only its own.
        assertThat(harness.events()).isEmpty();
    }
}
