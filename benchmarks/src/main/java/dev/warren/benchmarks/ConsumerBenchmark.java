package dev.warren.benchmarks;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.annotation.Retry;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.ConsumerStats;
import dev.warren.failure.TransientFailureException;
import dev.warren.test.RabbitBroker;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures how fast one consumer drains ~1 KB persistent JSON messages from a durable queue, for
 * raw amqp-client, a plain Spring AMQP listener container and a Warren {@code @Consumer}, healthy
 * and with 10% poison messages, in one run against the same broker, and prints the median msg/s of
 * each.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=dev.warren.benchmarks.ConsumerBenchmark -Dreport=benchmarks/target/consumer.md
 * }</pre>
 *
 * <p>System properties: {@code messages} (default 20,000 per round), {@code rounds} (3, after one
 * warm-up round), {@code queueType} ({@code quorum}, Warren's default, or {@code classic}) and
 * {@code report} (a Markdown file to write the results to). The broker is found by
 * {@link RabbitBroker#get()} ({@code RABBITMQ_URI}, else 127.0.0.1:5672).
 *
 * <p>Fairness: in every round each contender gets a fresh durable queue of the same type holding
 * the same pre-published, pre-confirmed messages, and consumes them with one consumer, prefetch
 * {@value #PREFETCH} and a manual acknowledgement per message after decoding the body into a
 * {@link BenchmarkEvent} with Jackson. The clock starts just before the consumer is started (for
 * Warren, {@code engine.start()}, which declares its topology again) and stops when the last
 * healthy message was handled. Rounds of the contenders alternate so that drift of the broker hits
 * all of them alike.
 *
 * <p>The failure path: every {@value #POISON_EVERY}th message makes the handler throw on each of
 * its {@value #POISON_ATTEMPTS} attempts ({@code @Retry(maxAttempts = 3, backoff = "1s")}, so it
 * waits 1 s and 2 s in delay queues) and must end in {@code <queue>.dlq}. Its healthy msg/s counts
 * healthy messages up to the last one handled, while poison messages are being retried; its msg/s
 * counts all messages up to the moment the last poison message is in the dead-letter queue, which
 * the retry delays of at least 3 s dominate. Every round checks that each healthy message was
 * handled exactly once, each poison message {@value #POISON_ATTEMPTS} times, and that the
 * dead-letter queue holds exactly the poison messages.
 *
 * <p>The rate limit: once, after the rounds, a Warren handler with {@code rateLimit = "500/s"},
 * concurrency {@value #RATE_LIMITED_CONCURRENCY} and prefetch {@value #PREFETCH} consumes
 * {@value #RATE_LIMITED_MESSAGES} pre-published messages from a fresh queue of its own. Its achieved
 * rate is the number of messages handled within {@link #RATE_WINDOW} of the first one, divided by
 * the window, reported with its deviation from the limit. A message handled after the window shows
 * that the queue held work for the whole window, so that the limit, not the supply, set the rate.
 *
 * <p>Single-threaded: {@link #main} runs the rounds; the contenders' consumer threads handle the
 * messages.
 *
 * @since 0.1
 */
public final class ConsumerBenchmark {

    /** Unacknowledged messages the broker may push to each contender's consumer. */
    static final int PREFETCH = 50;

    /** Every this many messages one is poison on the failure path: 10%. */
    static final int POISON_EVERY = 10;

    /** Attempts at a poison message before it is dead-lettered, as in its {@code @Retry}. */
    static final int POISON_ATTEMPTS = 3;

    /** The healthy Warren handler's queue; the engine's name resolver replaces it by the round's queue. */
    static final String HEALTHY_QUEUE = "${benchmark.healthy-queue}";

    /**
     * The failing Warren handler's queue, resolved like {@link #HEALTHY_QUEUE}. A name of its own, as
     * two handlers of one application never share a queue; each round's engine has one of them.
     */
    static final String POISONED_QUEUE = "${benchmark.poisoned-queue}";

    /** The rate-limited Warren handler's queue, resolved like {@link #HEALTHY_QUEUE}. */
    static final String RATE_LIMITED_QUEUE = "${benchmark.rate-limited-queue}";

    /** The rate-limited handler's limit in messages per second. */
    static final int RATE_LIMIT_PER_SECOND = 500;

    /** The rate-limited handler's {@code rateLimit}, a constant so that the annotation can take it. */
    static final String RATE_LIMIT = RATE_LIMIT_PER_SECOND + "/s";

    /** Consumers of the rate-limited handler; the limit holds across all of them. */
    static final int RATE_LIMITED_CONCURRENCY = 4;

    /**
     * Messages pre-published for the rate-limited handler: 40% more than the window takes at the
     * limit, so that the queue does not run dry even if the limiter lets a whole extra period through.
     */
    static final int RATE_LIMITED_MESSAGES = 7_000;

    /** How long the rate-limited handler's achieved rate is measured, from its first message on. */
    private static final Duration RATE_WINDOW = Duration.ofSeconds(10);

    /**
     * How long after the window a further message may take; at the limit one is due within a period
     * (1 s), so running out of this means the queue ran dry or the consumer stalled.
     */
    private static final Duration RATE_WINDOW_GRACE = Duration.ofSeconds(10);

    /** How long a round may take to handle every message or dead-letter every poison one. */
    private static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(2);

    /** How often the dead-letter queue's depth is read while poison messages are retried. */
    private static final Duration DLQ_POLL_INTERVAL = Duration.ofMillis(10);

    private ConsumerBenchmark() {
    }

    /**
     * Runs the benchmark and prints the results.
     *
     * @param args ignored; settings are system properties
     * @throws Exception when the broker is unreachable, a round times out or a message was lost or
     *     handled twice
     */
    public static void main(String[] args) throws Exception {
        int messages = Benchmarks.positiveProperty("messages", 20_000);
        int rounds = Benchmarks.positiveProperty("rounds", 3);
        QueueType queueType = queueTypeProperty();
        String reportPath = System.getProperty("report");

        RabbitBroker broker = RabbitBroker.get();
        JsonMapper mapper = Benchmarks.consumerMapper();
        List<byte[]> bodies = Benchmarks.encode(mapper, messages);
        Settings settings = new Settings(messages, bodies.get(0).length, rounds, queueType);

        System.out.printf(Locale.ROOT, "Consumer benchmark: %,d x %,d-byte JSON messages per round, %d rounds after 1 warm-up, "
                + "%s queues, prefetch %d, concurrency 1, %d CPUs, broker %s:%d%n", messages, settings.bodyBytes(), rounds,
                Benchmarks.queueName(queueType), PREFETCH, Runtime.getRuntime().availableProcessors(), broker.host(), broker.port());

        List<Result> results;
        RateResult rateLimited;
        try (Connection admin = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-admin")) {
            results = runAll(broker, admin, mapper.readerFor(BenchmarkEvent.class), bodies, settings);
            // Once rather than per round, to keep the run short: its 10 s window would dominate every round, and the
            // limit, not the machine, sets its rate, so repeating it adds little.
            rateLimited = runRateLimited(broker, admin, Benchmarks.encode(mapper, RATE_LIMITED_MESSAGES), queueType);
        }

        System.out.print(textTable(results) + rateLimited.textLine());
        Benchmarks.writeReport(reportPath, markdown(results, settings) + rateLimited.markdown(queueType));
    }

    private static List<Result> runAll(RabbitBroker broker, Connection admin, ObjectReader reader, List<byte[]> bodies,
            Settings settings) throws Exception {
        QueueType type = settings.queueType();
        CachingConnectionFactory springFactory = broker.connectionFactory();
        CachingConnectionFactory warrenFactory = broker.connectionFactory();
        try (Connection raw = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-raw")) {
            List<Contender> contenders = List.of(
                    new Contender("raw amqp-client", false, false,
                            (queue, deliveries) -> new RawAmqpClientRun(raw, queue, type, reader, deliveries,
                                    PREFETCH, 1)),
                    new Contender("Spring AMQP container", false, false,
                            (queue, deliveries) -> new SpringContainerRun(springFactory, queue, type, reader, deliveries)),
                    new Contender("Warren @Consumer", true, false,
                            (queue, deliveries) -> warrenRun(warrenFactory, queue, type, new HealthyHandler(deliveries),
                                    deliveries)),
                    new Contender("Warren @Consumer, 10% poison", true, true,
                            (queue, deliveries) -> warrenRun(warrenFactory, queue, type, new PoisonedHandler(deliveries),
                                    deliveries)));

            for (Contender contender : contenders) {
                runRound(contender, admin, bodies, type);
            }
            List<List<Sample>> samples = new ArrayList<>();
            contenders.forEach(contender -> samples.add(new ArrayList<>()));
            for (int round = 0; round < settings.rounds(); round++) {
                for (int i = 0; i < contenders.size(); i++) {
                    samples.get(i).add(runRound(contenders.get(i), admin, bodies, type));
                }
            }
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < contenders.size(); i++) {
                results.add(Result.of(contenders.get(i), samples.get(i)));
            }
            return results;
        } finally {
            // The engines and containers do not own their factories, so these close only after them.
            springFactory.destroy();
            warrenFactory.destroy();
        }
    }

    private static WarrenRun warrenRun(CachingConnectionFactory factory, String queue, QueueType type, Object handler,
            Deliveries deliveries) {
        WarrenEngine engine = WarrenEngine.builder(factory)
                .handlers(handler)
                .nameResolver(name -> HEALTHY_QUEUE.equals(name) || POISONED_QUEUE.equals(name) ? queue : name)
                // The handlers set prefetch and concurrency; the queue type comes from -DqueueType.
                .consumerDefaults(new ConsumerSettings(1, PREFETCH, type))
                .build();
        return new WarrenRun(engine, deliveries);
    }

    /**
     * One round of one contender on a fresh queue: declare, pre-publish, then time the consumer
     * until every healthy message was handled and, on the failure path, every poison message is in
     * the dead-letter queue. Deletes every queue the round declared, and checks the outcome.
     */
    private static Sample runRound(Contender contender, Connection admin, List<byte[]> bodies, QueueType type)
            throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.consumer");
        Deliveries deliveries = new Deliveries(bodies.size(), contender.poisoned());
        Run run = contender.runs().create(queue, deliveries);
        Sample sample;
        // A channel of its own: if a round fails, the broker may close the channel that saw it.
        try (Channel channel = admin.createChannel()) {
            try {
                run.declare();
                Benchmarks.prePublish(channel, queue, bodies);

                long start = System.nanoTime();
                run.start();
                deliveries.awaitHealthy(OUTCOME_TIMEOUT);
                long healthyNanos = System.nanoTime() - start;
                long settledNanos = healthyNanos;
                if (contender.poisoned()) {
                    String deadLetterQueue = QueueSpec.deadLetterQueueName(queue);
                    await().atMost(OUTCOME_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(DLQ_POLL_INTERVAL)
                            .until(() -> Benchmarks.depth(channel, deadLetterQueue) >= deliveries.poison());
                    settledNanos = System.nanoTime() - start;
                    Benchmarks.requireDepth(channel, deadLetterQueue, deliveries.poison(), "poison messages");
                }
                sample = new Sample(bodies.size() / (settledNanos / 1e9), deliveries.healthy() / (healthyNanos / 1e9),
                        contender.poisoned() ? settledNanos / 1e9 : Double.NaN);
            } finally {
                try {
                    run.close();
                } finally {
                    for (String declared : run.queues()) {
                        channel.queueDelete(declared);
                    }
                }
            }
        }
        // Only now, with the consumer stopped, are the counts final.
        deliveries.verify(contender.name());
        run.verify();
        return sample;
    }

    /**
     * The rate-limited handler on a fresh queue of its own: declare, pre-publish, start, and count
     * what it handles within {@link #RATE_WINDOW} of its first message. Deletes every queue the
     * engine declared, and checks that no message was handled twice and that Warren counted alike.
     */
    private static RateResult runRateLimited(RabbitBroker broker, Connection admin, List<byte[]> bodies, QueueType type)
            throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.rate-limited");
        RateWindow window = new RateWindow(bodies.size(), RATE_WINDOW);
        CachingConnectionFactory factory = broker.connectionFactory();
        WarrenEngine engine = WarrenEngine.builder(factory)
                .handlers(new RateLimitedHandler(window))
                .nameResolver(name -> RATE_LIMITED_QUEUE.equals(name) ? queue : name)
                // The handler sets prefetch, concurrency and the limit; the queue type comes from -DqueueType.
                .consumerDefaults(new ConsumerSettings(1, PREFETCH, type))
                .build();
        // A channel of its own, as in runRound: the broker may close the channel that saw a failure.
        try (Channel channel = admin.createChannel()) {
            try {
                engine.declareTopology();
                Benchmarks.prePublish(channel, queue, bodies);
                engine.start();
                window.awaitEnd(OUTCOME_TIMEOUT, RATE_WINDOW.plus(RATE_WINDOW_GRACE));
            } finally {
                try {
                    engine.close();
                } finally {
                    try {
                        for (QueueSpec declared : engine.topology().queues()) {
                            channel.queueDelete(declared.name());
                        }
                    } finally {
                        // The engine does not own its factory, so this closes only after it.
                        factory.destroy();
                    }
                }
            }
        }
        // Only now, with the consumers stopped, are the counts final.
        window.verify();
        ConsumerStats stats = engine.consumerStats().values().iterator().next();
        if (stats.processed() != window.total()) {
            throw new IllegalStateException("Warren counted " + stats + " but the rate-limited handler handled "
                    + window.total() + " messages");
        }
        return new RateResult(window.inWindow(), window.total(), bodies.size());
    }

    private static QueueType queueTypeProperty() {
        String value = System.getProperty("queueType", "quorum").trim();
        for (QueueType type : List.of(QueueType.QUORUM, QueueType.CLASSIC)) {
            if (Benchmarks.queueName(type).equalsIgnoreCase(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("System property queueType must be quorum or classic but was '" + value
                + "'; e.g. -DqueueType=quorum");
    }

    private static String textTable(List<Result> results) {
        double raw = results.get(0).rate();
        double warrenHealthy = warrenHealthy(results).rate();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%-30s %9s %7s %14s %9s %13s  %s%n",
                "contender", "msg/s", "vs raw", "healthy msg/s", "vs Warren", "poison in DLQ", "rounds (msg/s)"));
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, "%-30s %,9.0f %6.2fx %14s %9s %13s  %s%n", result.name(), result.rate(),
                    result.rate() / raw, result.healthyRateText(), result.versusText(warrenHealthy),
                    result.deadLetteredText(), Benchmarks.joined(result.rates(), "%,.0f")));
        }
        return out.toString();
    }

    private static String markdown(List<Result> results, Settings settings) {
        double raw = results.get(0).rate();
        double warrenHealthy = warrenHealthy(results).rate();
        StringBuilder out = new StringBuilder("# Consumer benchmark\n\n");
        out.append(String.format(Locale.ROOT, "%,d persistent %,d-byte JSON messages per round, pre-published to a fresh durable "
                + "%s queue per contender and round; one consumer, prefetch %d, manual ack per message after decoding with "
                + "Jackson; median of %d rounds after a warm-up round; %d CPUs. Time runs from starting the consumer to the "
                + "last healthy message handled (Warren's includes `engine.start()` declaring its topology).%n%n",
                settings.messages(), settings.bodyBytes(), Benchmarks.queueName(settings.queueType()), PREFETCH, settings.rounds(),
                Runtime.getRuntime().availableProcessors()));
        out.append("| Contender | msg/s | vs raw amqp-client | Healthy msg/s | vs Warren healthy | All poison in DLQ after | "
                + "Rounds (msg/s) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2fx | %s | %s | %s | %s |%n", result.name(), result.rate(),
                    result.rate() / raw, result.healthyRateText(), result.versusText(warrenHealthy), result.deadLetteredText(),
                    Benchmarks.joined(result.rates(), "%,.0f")));
        }
        out.append(String.format(Locale.ROOT, "%nPoison path: every %dth message throws on each of its %d attempts "
                + "(`@Retry(maxAttempts = 3, backoff = \"1s\")`: 1 s, then 2 s in delay queues) and ends in `<queue>.dlq`. Its "
                + "msg/s counts all messages until the last poison one is in the dead-letter queue, so the retry delays "
                + "dominate it; its healthy msg/s counts the healthy messages until the last of them was handled. Warren's "
                + "per-message WARN logs are switched off for the run. Each round checked that every healthy message was "
                + "handled exactly once and the dead-letter queue holds exactly the poison messages.%n",
                POISON_EVERY, POISON_ATTEMPTS));
        return out.toString();
    }

    private static Result warrenHealthy(List<Result> results) {
        return results.stream().filter(result -> result.warren() && !result.poisoned()).findFirst().orElseThrow();
    }

    private record Settings(int messages, int bodyBytes, int rounds, QueueType queueType) {
    }

    /**
     * The rate-limited handler's outcome.
     *
     * @param inWindow messages handled within {@link #RATE_WINDOW} of the first one
     * @param total messages handled until the engine stopped
     * @param published messages pre-published
     */
    private record RateResult(int inWindow, int total, int published) {

        static final String NAME = "Warren, rateLimit = " + RATE_LIMIT;

        double rate() {
            return inWindow / (RATE_WINDOW.toNanos() / 1e9);
        }

        double deviationPercent() {
            return (rate() / RATE_LIMIT_PER_SECOND - 1) * 100;
        }

        /** The achieved rate and its deviation from the limit: {@code 502/s, +0.4%}. */
        String achievedText() {
            return String.format(Locale.ROOT, "%,.0f/s, %+.1f%%", rate(), deviationPercent());
        }

        /** An extra line of the text table, its rate under msg/s. */
        String textLine() {
            return String.format(Locale.ROOT, "%-30s %,9.0f  %s vs limit %s (%,d handled in the %d s window; concurrency %d, "
                    + "prefetch %d, run once)%n", NAME, rate(), achievedText(), RATE_LIMIT, inWindow,
                    RATE_WINDOW.toSeconds(), RATE_LIMITED_CONCURRENCY, PREFETCH);
        }

        String markdown(QueueType type) {
            StringBuilder out = new StringBuilder("\n## Rate limit\n\n");
            out.append(String.format(Locale.ROOT, "Run once, not per round: `@Consumer(rateLimit = \"%s\", concurrency = %d, "
                    + "prefetch = %d)` consumes %,d pre-published messages like the ones above from a fresh durable %s queue "
                    + "of its own. The achieved rate is the messages handled within %d s of the first one, divided by %d s; "
                    + "a message handled after the window showed that the queue held work for all of it, and no message "
                    + "was handled twice.%n%n", RATE_LIMIT, RATE_LIMITED_CONCURRENCY, PREFETCH, published, Benchmarks.queueName(type),
                    RATE_WINDOW.toSeconds(), RATE_WINDOW.toSeconds()));
            out.append("| Contender | Limit | Achieved | Deviation | Handled in window | Window | Handled in all |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|\n");
            out.append(String.format(Locale.ROOT, "| %s | %s | %,.0f/s | %+.1f%% | %,d | %d s | %,d |%n", NAME, RATE_LIMIT,
                    rate(), deviationPercent(), inWindow, RATE_WINDOW.toSeconds(), total));
            return out.toString();
        }
    }

    /** Creates a contender's consumer for one round; performs no I/O. */
    @FunctionalInterface
    private interface RunFactory {
        Run create(String queue, Deliveries deliveries) throws Exception;
    }

    private record Contender(String name, boolean warren, boolean poisoned, RunFactory runs) {
    }

    /**
     * One round's outcome.
     *
     * @param rate messages per second until every message was settled
     * @param healthyRate healthy messages per second until the last of them was handled
     * @param deadLetteredSeconds seconds until every poison message was in the dead-letter queue; NaN
     *     without poison
     */
    private record Sample(double rate, double healthyRate, double deadLetteredSeconds) {
    }

    private record Result(String name, boolean warren, boolean poisoned, double[] rates, double[] healthyRates,
            double[] deadLetteredSeconds) {

        static Result of(Contender contender, List<Sample> samples) {
            return new Result(contender.name(), contender.warren(), contender.poisoned(),
                    samples.stream().mapToDouble(Sample::rate).toArray(),
                    samples.stream().mapToDouble(Sample::healthyRate).toArray(),
                    samples.stream().mapToDouble(Sample::deadLetteredSeconds).toArray());
        }

        double rate() {
            return Benchmarks.median(rates);
        }

        String healthyRateText() {
            return poisoned ? String.format(Locale.ROOT, "%,.0f", Benchmarks.median(healthyRates)) : "-";
        }

        String versusText(double warrenHealthy) {
            return poisoned ? String.format(Locale.ROOT, "%.2fx", Benchmarks.median(healthyRates) / warrenHealthy) : "-";
        }

        String deadLetteredText() {
            return poisoned ? String.format(Locale.ROOT, "%.2f s", Benchmarks.median(deadLetteredSeconds)) : "-";
        }
    }

    /**
     * Counts the rate-limited handler's messages, and those handled within the window from the first
     * one on; releases the main thread when a message falls after the window. Called on the engine's
     * consumer threads; lock-free.
     */
    static final class RateWindow {

        /** {@link #firstNanos} before the first message; {@code System.nanoTime()} may be any other value. */
        private static final long UNSET = Long.MIN_VALUE;

        private final long windowNanos;
        private final AtomicIntegerArray handled;
        private final AtomicLong firstNanos = new AtomicLong(UNSET);
        private final AtomicInteger inWindow = new AtomicInteger();
        private final AtomicInteger total = new AtomicInteger();
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);

        RateWindow(int messages, Duration window) {
            this.windowNanos = window.toNanos();
            this.handled = new AtomicIntegerArray(messages);
        }

        void handle(BenchmarkEvent event) {
            long now = System.nanoTime();
            handled.incrementAndGet(Math.toIntExact(event.sequence()));
            total.incrementAndGet();
            if (firstNanos.compareAndSet(UNSET, now)) {
                started.countDown();
            }
            // A message another consumer thread took a moment before the first was counted comes out
            // negative here; it ran alongside the first, so it belongs in the window too.
            if (now - firstNanos.get() < windowNanos) {
                inWindow.incrementAndGet();
            } else {
                ended.countDown();
            }
        }

        /** Waits for the first message, then for one after the window. */
        void awaitEnd(Duration firstTimeout, Duration endTimeout) throws InterruptedException {
            if (!started.await(firstTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The rate-limited handler handled no message within " + firstTimeout
                        + "; is the consumer stuck or the broker blocked by an alarm?");
            }
            if (!ended.await(endTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The rate-limited handler handled no message after its window within "
                        + endTimeout + " of the first (" + total.get() + " of " + handled.length() + " handled); did the "
                        + "queue run dry or the consumer stall?");
            }
        }

        int inWindow() {
            return inWindow.get();
        }

        int total() {
            return total.get();
        }

        /** Checks that no message was handled twice, which would mean a lost acknowledgement. */
        void verify() {
            List<Integer> twice = new ArrayList<>();
            for (int i = 0; i < handled.length(); i++) {
                if (handled.get(i) > 1) {
                    twice.add(i);
                }
            }
            if (!twice.isEmpty()) {
                throw new IllegalStateException("The rate-limited handler handled " + twice.size() + " message(s) more than "
                        + "once, e.g. " + twice.subList(0, Math.min(5, twice.size())));
            }
        }
    }

    /**
     * Baseline: a {@link SimpleMessageListenerContainer} with manual acknowledgement and a
     * {@link ChannelAwareMessageListener}, set up like Warren's own container.
     */
    private static final class SpringContainerRun implements Run {

        private final CachingConnectionFactory factory;
        private final String queue;
        private final QueueType type;
        private final SimpleMessageListenerContainer container;

        SpringContainerRun(CachingConnectionFactory factory, String queue, QueueType type, ObjectReader reader,
                Deliveries deliveries) {
            this.factory = factory;
            this.queue = queue;
            this.type = type;
            this.container = new SimpleMessageListenerContainer(factory);
            container.setQueueNames(queue);
            container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
            container.setConcurrentConsumers(1);
            container.setPrefetchCount(PREFETCH);
            container.setTaskExecutor(new SimpleAsyncTaskExecutor("benchmark-spring-" + queue + "-"));
            container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
                deliveries.handle(reader.readValue(message.getBody()));
                channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
            });
            container.afterPropertiesSet();
        }

        @Override
        public List<String> queues() {
            return List.of(queue);
        }

        @Override
        public void declare() {
            new RabbitAdmin(factory).declareQueue(new Queue(queue, true, false, false, Benchmarks.queueArguments(type)));
        }

        @Override
        public void start() {
            container.start();
        }

        @Override
        public void close() {
            container.stop();
            container.destroy();
        }
    }

    /** Warren's healthy handler. Called on the engine's consumer thread. */
    record HealthyHandler(Deliveries deliveries) {

        @Consumer(queue = HEALTHY_QUEUE, prefetch = PREFETCH, concurrency = 1)
        void handle(BenchmarkEvent event) {
            deliveries.handle(event);
        }
    }

    /** Warren's handler on the failure path: throws for every poison message. Called on the engine's consumer thread. */
    record PoisonedHandler(Deliveries deliveries) {

        @Consumer(queue = POISONED_QUEUE, prefetch = PREFETCH, concurrency = 1,
                retry = @Retry(maxAttempts = POISON_ATTEMPTS, backoff = "1s"))
        void handle(BenchmarkEvent event) {
            if (deliveries.handle(event)) {
                throw new TransientFailureException("Message " + event.id() + " is poison by design of the benchmark");
            }
        }
    }

    /** Warren's rate-limited handler. Called on the engine's consumer threads, up to four at once. */
    record RateLimitedHandler(RateWindow window) {

        @Consumer(queue = RATE_LIMITED_QUEUE, prefetch = PREFETCH, concurrency = RATE_LIMITED_CONCURRENCY,
                rateLimit = RATE_LIMIT)
        void handle(BenchmarkEvent event) {
            window.handle(event);
        }
    }
}
