package dev.warren.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.failure.TransientFailureException;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure-handling and protection behaviour of Warren, on each real JMS provider: one suite,
 * run against embedded ActiveMQ Artemis and against RabbitMQ through its JMS client.
 */
class JmsTransportIT {

    record Job(int id) {
    }

    static List<JmsProvider> providers() {
        return JmsProvider.all();
    }

    final String prefix = RabbitBroker.uniqueName("it.jms");
    final List<JmsWarrenEngine> engines = new ArrayList<>();
    JmsProvider provider;

    @AfterEach
    void close() {
        engines.forEach(JmsWarrenEngine::close);
        if (provider != null) {
            provider.cleanUp(prefix);
        }
    }

    JmsWarrenEngine start(JmsProvider provider, JmsWarrenEngine.Builder builder) {
        JmsWarrenEngine engine = builder.build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    JmsWarrenEngine.Builder engine(JmsProvider provider, Object... handlers) {
        this.provider = provider;
        return JmsWarrenEngine.builder(provider.connectionFactory()).handlers(handlers)
                .nameResolver(name -> name.replace("${prefix}", prefix));
    }

    static final class Worker {
        final Map<Integer, Integer> seen = new ConcurrentHashMap<>();

        @Consumer(queue = "${prefix}.jobs")
        void process(Job job) {
            seen.merge(job.id(), 1, Integer::sum);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void eachMessageSentToAQueueIsProcessedOnce(JmsProvider provider) {
        Worker worker = new Worker();
        JmsWarrenEngine engine = start(provider, engine(provider, worker));
        for (int i = 0; i < 50; i++) {
            engine.warren().send(prefix + ".jobs", new Job(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.seen.size() == 50);
        assertThat(worker.seen.values()).containsOnly(1);
        assertThat(engine.consumerStats().get(prefix + ".jobs").processed()).isEqualTo(50);
    }

    static final class Emails {
        final List<Integer> got = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${prefix}.order.placed", group = "email")
        void confirm(Job order) {
            got.add(order.id());
        }
    }

    static final class Analytics {
        final List<Integer> got = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${prefix}.order.placed", group = "analytics")
        void record(Job order) {
            got.add(order.id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void everyGroupGetsACopyAndTheInstancesOfAGroupCompete(JmsProvider provider) {
        Emails emailOne = new Emails();
        Emails emailTwo = new Emails();
        Analytics analytics = new Analytics();
        JmsWarrenEngine first = start(provider, engine(provider, emailOne, analytics));
        start(provider, engine(provider, emailTwo));
        for (int i = 0; i < 40; i++) {
            first.warren().publish(prefix + ".order.placed", new Job(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> analytics.got.size() == 40
                && emailOne.got.size() + emailTwo.got.size() == 40);
        List<Integer> emails = new ArrayList<>(emailOne.got);
        emails.addAll(emailTwo.got);
        assertThat(emails).doesNotHaveDuplicates();
        assertThat(emailOne.got).isNotEmpty();
        assertThat(emailTwo.got).isNotEmpty();
    }

    static final class Flaky {
        final Map<Integer, List<Integer>> attempts = new ConcurrentHashMap<>();
        volatile boolean broken = true;

        @Consumer(queue = "${prefix}.flaky", retry = @Retry(maxAttempts = 3, backoff = "200ms", multiplier = 2))
        void process(Job job, MessageContext context) {
            attempts.computeIfAbsent(job.id(), k -> new CopyOnWriteArrayList<>()).add(context.attempt());
            if (job.id() == 0 && context.attempt() < 3) {
                throw new TransientFailureException("dependency timed out");
            }
            if (job.id() == 1 && broken) {
                throw new IllegalStateException("job 1 hits a bug");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void retriesWaitWithoutBlockingTheQueueThenDeadLetterWithTheReasonForReplay(JmsProvider provider) {
        Flaky flaky = new Flaky();
        JmsWarrenEngine engine = start(provider, engine(provider, flaky));
        String queue = prefix + ".flaky";
        engine.warren().send(queue, new Job(0));
        engine.warren().send(queue, new Job(1), PublishOptions.builder().messageId("job-1").build());
        for (int i = 2; i < 12; i++) {
            engine.warren().send(queue, new Job(i));
        }

        // Job 0 succeeds on its third attempt; the others did not wait behind it.
        await().atMost(Duration.ofSeconds(20)).until(() -> List.of(1, 2, 3).equals(flaky.attempts.get(0)));
        assertThat(flaky.attempts.keySet()).containsAll(Set.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.consumerStats().get(queue).deadLettered() == 1);
        assertThat(flaky.attempts.get(1)).containsExactly(1, 2, 3);

        List<DeadLetter> letters = engine.deadLetters().peek(queue, 5);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.messageId()).isEqualTo("job-1");
            assertThat(letter.reason()).contains("IllegalStateException", "job 1 hits a bug");
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.failureClass()).isEqualTo("unknown");
            assertThat(letter.originalQueue()).isEqualTo(queue);
            assertThat(letter.bodyText()).contains("\"id\":1");
        });
        assertThat(engine.deadLetters().queues()).singleElement().satisfies(dlq -> assertThat(dlq.depth()).isEqualTo(1));

        flaky.broken = false;
        var result = engine.deadLetters().replay(queue, Selection.messageId("job-1"), ReplayOptions.defaults());
        assertThat(result.moved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> flaky.attempts.get(1).size() == 4);
        // The replay starts the attempts afresh.
        assertThat(flaky.attempts.get(1)).containsExactly(1, 2, 3, 1);
        assertThat(engine.deadLetters().peek(queue, 5)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void badInputGoesStraightToTheDeadLetterQueueAndCanBeDiscardedWithAReason(JmsProvider provider) throws Exception {
        Worker worker = new Worker();
        JmsWarrenEngine engine = start(provider, engine(provider, worker));
        String queue = prefix + ".jobs";
        try (Connection connection = provider.connectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
                producer.send(session.createTextMessage("{\"id\": 1, "));
                producer.send(session.createTextMessage("{\"id\": \"not a number\"}"));
                var bytes = session.createBytesMessage();
                bytes.writeBytes(new byte[] {(byte) 0xC3, 0x28});
                producer.send(bytes);
                producer.send(session.createTextMessage("{\"id\": 7}"));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.consumerStats().get(queue).deadLettered() == 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.seen.containsKey(7));
        List<DeadLetter> letters = engine.deadLetters().peek(queue, 10);
        assertThat(letters).hasSize(3).allSatisfy(letter -> {
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.failureClass()).isEqualTo("permanent");
            assertThat(letter.reason()).isNotBlank();
        });

        var discarded = engine.deadLetters().discard(queue, Selection.all(), "malformed test input", "jms-suite");
        assertThat(discarded.moved()).isEqualTo(3);
        assertThat(engine.deadLetters().peek(queue, 10)).isEmpty();
        assertThat(discarded.destination()).isEqualTo(dev.warren.jms.internal.JmsDeadLetters.DISCARDED_JMS_QUEUE);
        provider.cleanUp(dev.warren.jms.internal.JmsDeadLetters.DISCARDED_JMS_QUEUE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void bodiesOverTheInputLimitsAreDeadLetteredWithTheLimitAndTheConsumerGoesOn(JmsProvider provider) throws Exception {
        Worker worker = new Worker();
        JmsWarrenEngine engine = start(provider, engine(provider, worker).consumerDefaults(
                dev.warren.consumer.ConsumerSettings.DEFAULTS.withLimits(dev.warren.consumer.InputLimits.DEFAULTS
                        .withMaxMessageSize(4_096).withMaxNestingDepth(10))));
        String queue = prefix + ".jobs";
        String padded = "{\"id\": 2}" + " ".repeat(10_000);
        try (Connection connection = provider.connectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
                producer.send(session.createTextMessage(padded));
                var bytes = session.createBytesMessage();
                bytes.writeBytes(padded.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                producer.send(bytes);
                producer.send(session.createTextMessage("{\"id\": 3, \"x\": " + "[".repeat(20) + "]".repeat(20) + "}"));
                producer.send(session.createTextMessage("{\"id\": 7}"));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.seen.containsKey(7));
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.consumerStats().get(queue).deadLettered() == 3);
        List<String> reasons = engine.deadLetters().peek(queue, 10).stream().map(DeadLetter::reason).toList();
        assertThat(reasons).containsExactlyInAnyOrder(
                "Body of 10,009 bytes exceeds the limit of 4,096 bytes (max-message-size); it was not decoded",
                "Body of 10,009 bytes exceeds the limit of 4,096 bytes (max-message-size); it was not decoded",
                reasons.stream().filter(r -> r.startsWith("Body exceeds a JSON limit (json.max-nesting-depth;")).findFirst()
                        .orElse("no reason naming json.max-nesting-depth"));
        assertThat(worker.seen).containsOnlyKeys(7);
    }

    static final class Gateway {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean down = true;

        @Consumer(queue = "${prefix}.charge", circuitBreaker = "gateway", retry = @Retry(maxAttempts = 10, backoff = "1m"))
        void charge(Job job) throws java.io.IOException {
            calls.incrementAndGet();
            if (down) {
                throw new java.io.IOException("gateway unreachable");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void anOpenCircuitBreakerPausesTheConsumerAndMessagesWaitUntouched(JmsProvider provider) {
        Gateway gateway = new Gateway();
        JmsWarrenEngine engine = start(provider, engine(provider, gateway).circuitBreaker("gateway",
                CircuitBreakerSettings.DEFAULTS.withFailureThreshold(3).withWaitInOpen(Duration.ofSeconds(2)).withTrialCalls(1)));
        for (int i = 0; i < 10; i++) {
            engine.warren().send(prefix + ".charge", new Job(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get("gateway")));
        int callsWhenOpened = gateway.calls.get();
        assertThat(callsWhenOpened).isBetween(3, 4);
        gateway.down = false;
        // After the wait a trial call succeeds, the breaker closes and the rest are processed.
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.calls.get() == callsWhenOpened + (10 - callsWhenOpened));
        assertThat(engine.circuitBreakerStates()).containsEntry("gateway", "CLOSED");
        assertThat(engine.deadLetters().peek(prefix + ".charge", 5)).isEmpty();
    }

    static final class Payments {
        final AtomicInteger charged = new AtomicInteger();

        @Consumer(queue = "${prefix}.payments", idempotent = true)
        void charge(Job job) {
            charged.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void anIdempotentHandlerProcessesAMessageIdOnce(JmsProvider provider) {
        Payments payments = new Payments();
        JmsWarrenEngine engine = start(provider, engine(provider, payments));
        for (int i = 0; i < 3; i++) {
            engine.warren().send(prefix + ".payments", new Job(1), PublishOptions.builder().messageId("charge-1").build());
        }
        engine.warren().send(prefix + ".payments", new Job(2), PublishOptions.builder().messageId("charge-2").build());
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.consumerStats().get(prefix + ".payments").duplicates() == 2);
        assertThat(payments.charged).hasValue(2);
    }

    static final class Throttled {
        final List<Long> times = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${prefix}.throttled", rateLimit = "20/s", concurrency = 2)
        void process(Job job) {
            times.add(System.nanoTime());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void aRateLimitHoldsTheHandlerToItsRateAcrossItsConsumers(JmsProvider provider) {
        Throttled throttled = new Throttled();
        JmsWarrenEngine engine = start(provider, engine(provider, throttled));
        for (int i = 0; i < 50; i++) {
            engine.warren().send(prefix + ".throttled", new Job(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> throttled.times.size() == 50);
        List<Long> sorted = throttled.times.stream().sorted().toList();
        // 50 messages at 20/s: the first 20 may come at once, the other 30 take at least a second and a half.
        assertThat(Duration.ofNanos(sorted.get(49) - sorted.get(0))).isGreaterThan(Duration.ofMillis(1_300));
        assertThat(engine.consumerStats().get(prefix + ".throttled").rateLimited()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void replayLeavesADeadLetterWhoseForgedOriginalQueueIsNoQueueOfTheEngine(JmsProvider provider) throws Exception {
        JmsWarrenEngine engine = start(provider, engine(provider, new Worker()));
        String queue = prefix + ".jobs";
        String foreign = prefix + ".foreign";
        // Whoever dead-lettered a message wrote its original queue, and a producer can write it too.
        try (Connection connection = provider.connectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue(queue + ".dlq"))) {
                jakarta.jms.TextMessage forged = session.createTextMessage("{\"id\":7}");
                forged.setStringProperty(dev.warren.jms.internal.JmsMessages.propertyName(
                        dev.warren.internal.WarrenHeaders.ORIGINAL_QUEUE), foreign);
                producer.send(forged);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.deadLetters().peek(queue, 5).size() == 1);

        var result = engine.deadLetters().replay(queue, Selection.all(), ReplayOptions.defaults());

        assertThat(result.moved()).isZero();
        assertThat(result.refused()).isEqualTo(1);
        assertThat(engine.deadLetters().peek(queue, 5)).singleElement()
                .satisfies(letter -> assertThat(letter.originalQueue()).isEqualTo(foreign));
        // Only the engine's own dead-letter queues are served, whatever a name ends with.
        assertThatThrownBy(() -> engine.deadLetters().peek(foreign + ".dlq", 5))
                .isInstanceOf(dev.warren.deadletter.UnknownDeadLetterQueueException.class).hasMessageContaining(queue);
    }
}
