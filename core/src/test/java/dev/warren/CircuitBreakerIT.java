package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.failure.PermanentFailureException;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.test.RabbitBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** A circuit breaker that pauses consumption while a dependency is down, on the real broker. */
class CircuitBreakerIT {

    record Charge(int n) {
    }

    static final class PaymentGateway {
        volatile boolean down = true;
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger charged = new AtomicInteger();

        @Consumer(queue = "${queue}", circuitBreaker = "payment-gateway", concurrency = 2,
                retry = @Retry(maxAttempts = 10, backoff = "1m"))
        void charge(Charge charge) throws IOException {
            if (down) {
                failures.incrementAndGet();
                throw new IOException("payment gateway unreachable");
            }
            charged.incrementAndGet();
        }
    }

    static final class BadInput {
        final AtomicInteger calls = new AtomicInteger();

        @Consumer(queue = "${queue}", circuitBreaker = "strict", retry = @Retry(maxAttempts = 1))
        void charge(Charge charge) {
            calls.incrementAndGet();
            throw new PermanentFailureException("charge " + charge.n() + " is malformed");
        }
    }

    /** Two queues behind one breaker; a trial call holds until the test lets it finish. */
    static final class SharedDependency {
        final java.util.concurrent.CountDownLatch trialMayFinish = new java.util.concurrent.CountDownLatch(1);
        final AtomicInteger inHandler = new AtomicInteger();
        final AtomicInteger processed = new AtomicInteger();
        volatile boolean down = true;

        @Consumer(queue = "${queue}.a", circuitBreaker = "shared", retry = @Retry(maxAttempts = 10, backoff = "1m"))
        void first(Charge charge) throws Exception {
            call();
        }

        @Consumer(queue = "${queue}.b", circuitBreaker = "shared", retry = @Retry(maxAttempts = 10, backoff = "1m"))
        void second(Charge charge) throws Exception {
            call();
        }

        private void call() throws Exception {
            if (down) {
                throw new IOException("dependency unreachable");
            }
            inHandler.incrementAndGet();
            trialMayFinish.await();
            processed.incrementAndGet();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.breaker");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final RabbitAdmin admin = new RabbitAdmin(broker.connectionFactory);

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void breakerOpensAfterFiveFailuresKeepsTheQueueUntouchedThenTrialsCloseItAndTheQueueDrains() {
        PaymentGateway gateway = new PaymentGateway();
        java.util.List<dev.warren.protection.CircuitBreakerTransition> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        WarrenEngine engine = broker.build(broker.engine(gateway).circuitBreaker("payment-gateway",
                CircuitBreakerSettings.DEFAULTS.withWaitInOpen(Duration.ofSeconds(2)).withTrialCalls(2))
                .circuitBreakerListener(transitions::add));
        engine.declareTopology();
        for (int i = 0; i < 30; i++) {
            engine.warren().send(queue, new Charge(i));
        }
        engine.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get("payment-gateway")));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.getQueueInfo(queue).getConsumerCount() == 0);
        // Five failures opened it; with two consumers, a call already under way when it opened may fail too.
        // The rest wait in the queue, untouched, burning no attempts.
        int failures = gateway.failures.get();
        assertThat(failures).isBetween(5, 6);
        assertThat(admin.getQueueInfo(queue).getMessageCount()).isEqualTo(30 - failures);
        assertThat(broker.drain(queue + ".dlq")).isEmpty();

        gateway.down = false;
        await().atMost(Duration.ofSeconds(15)).until(() -> "CLOSED".equals(engine.circuitBreakerStates().get("payment-gateway")));
        await().atMost(Duration.ofSeconds(15)).until(() -> gateway.charged.get() == 30 - failures);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.getQueueInfo(queue).getConsumerCount() == 2);
        assertThat(gateway.failures).hasValue(failures);
        assertThat(transitions).extracting(t -> t.from() + ">" + t.to())
                .containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
        assertThat(transitions.get(0).queues()).containsExactly(queue);
    }

    @Test
    void aFailedTrialOpensTheBreakerAgain() {
        PaymentGateway gateway = new PaymentGateway();
        WarrenEngine engine = broker.build(broker.engine(gateway).circuitBreaker("payment-gateway",
                CircuitBreakerSettings.DEFAULTS.withFailureThreshold(3).withWaitInOpen(Duration.ofSeconds(1))));
        engine.declareTopology();
        for (int i = 0; i < 10; i++) {
            engine.warren().send(queue, new Charge(i));
        }
        engine.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.failures.get() == 3);
        // After the wait, one trial message fails and the breaker opens again, for another wait.
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.failures.get() == 4);
        await().atMost(Duration.ofSeconds(5)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get("payment-gateway")));
        assertThat(gateway.charged).hasValue(0);
    }

    @Test
    void permanentFailuresDoNotTripTheBreaker() {
        BadInput handler = new BadInput();
        WarrenEngine engine = broker.build(broker.engine(handler));
        engine.start();

        for (int i = 0; i < 12; i++) {
            engine.warren().send(queue, new Charge(i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.consumerStats().get(queue).deadLettered() == 12);
        assertThat(engine.circuitBreakerStates()).containsEntry("strict", "CLOSED");
        assertThat(handler.calls).hasValue(12);
    }

    @Test
    void messagesThatTheBreakerDoesNotAdmitAreHeldNotBouncedUntilTheDeliveryLimitDeadLettersThem() {
        SharedDependency dependency = new SharedDependency();
        WarrenEngine engine = broker.build(broker.engine(dependency).circuitBreaker("shared",
                CircuitBreakerSettings.DEFAULTS.withFailureThreshold(1).withWaitInOpen(Duration.ofMillis(500)).withTrialCalls(1)));
        engine.start();
        engine.warren().send(queue + ".a", new Charge(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get("shared")));
        dependency.down = false;
        for (int i = 1; i <= 3; i++) {
            engine.warren().send(queue + ".a", new Charge(i));
            engine.warren().send(queue + ".b", new Charge(i));
        }

        // Half-open with one trial call: one queue's consumer holds the trial, the other's delivery is not admitted.
        await().atMost(Duration.ofSeconds(10)).until(() -> dependency.inHandler.get() == 1);
        // Bounced back to the queue, the other delivery would come straight back, over and over, past
        // the quorum queue's delivery limit of 20 within milliseconds, and the broker would dead-letter it.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> deadLetters(queue + ".a") + deadLetters(queue + ".b") == 0);
        dependency.trialMayFinish.countDown();

        await().atMost(Duration.ofSeconds(15)).until(() -> dependency.processed.get() == 6);
        assertThat(engine.circuitBreakerStates()).containsEntry("shared", "CLOSED");
        assertThat(broker.drain(queue + ".a.dlq")).isEmpty();
        assertThat(broker.drain(queue + ".b.dlq")).isEmpty();
    }

    private long deadLetters(String queue) {
        return admin.getQueueInfo(queue + ".dlq").getMessageCount();
    }
}
