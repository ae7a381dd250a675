package dev.warren.benchmarks;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.annotation.Retry;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.failure.TransientFailureException;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.idempotency.RedisIdempotencyStore;
import dev.warren.test.RabbitBroker;
import dev.warren.topology.QueueSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.retry.RejectAndDontRequeueRecoverer;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.messaging.handler.annotation.Header;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the consumer cases of issue 8 side by side in one run against the same broker and prints
 * one table of ratios: Warren against a Boot user's {@code @RabbitListener} and raw amqp-client
 * (classic and quorum queues, concurrency 1 and 4), Warren's idempotent consumer with the in-memory
 * and the Redis store, the failure path with 10% poison against Spring's blocking stateless retry
 * and a hand-written DLX/TTL retry loop, and end-to-end latency at a fixed rate.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks compile exec:java -Dexec.mainClass=dev.warren.benchmarks.SuiteBenchmark -Dreport=benchmarks/target/suite.md
 * }</pre>
 *
 * <p>System properties: {@code messages} (default 10,000 per round), {@code rounds} (3, after one
 * warm-up round of the first cell), {@code blockingRetrySeconds} (20: how long Spring's blocking
 * retry is measured, once), {@code latencyRate} (1,000 msg/s), {@code latencySeconds} (10, after 2
 * s of warm-up), {@code redisHost} and {@code redisPort} (127.0.0.1:6379) and {@code report} (a
 * Markdown file). The broker is found by {@link RabbitBroker#get()}.
 *
 * <p>Fairness: every throughput round gives its contender a fresh durable queue holding the same
 * pre-published, confirmed ~1 KB JSON messages; every contender uses prefetch {@value #PREFETCH} per
 * consumer and decodes with Jackson into {@link BenchmarkEvent}. The clock runs from starting the
 * consumer to the last healthy message handled. Rounds of all contenders alternate. Each round that
 * ran to the end checks that every healthy message was handled exactly once and each poison one
 * {@value ConsumerBenchmark#POISON_ATTEMPTS} times, and that the dead-letter queue holds exactly the
 * poison messages.
 *
 * <p>Single-threaded: {@link #main} runs the rounds; the contenders' consumer threads handle the
 * messages, and a scheduler thread paces the latency publisher.
 *
 * @since 0.1
 */
public final class SuiteBenchmark {

    /** Unacknowledged messages per consumer, for every contender: the tuned raw client uses 250. */
    static final int PREFETCH = 250;

    /** The Warren handlers' queue; each engine's name resolver replaces it by the round's queue. */
    static final String QUEUE = "${benchmark.queue}";

    /** The delay of the hand-written retry loop's TTL queue, as the first backoff of Warren's {@code @Retry}. */
    private static final Duration RETRY_LOOP_DELAY = Duration.ofSeconds(1);

    /** Messages published in the latency run before the ones measured, to warm up both sides. */
    private static final Duration LATENCY_WARMUP = Duration.ofSeconds(2);

    /** How long a round may take to handle every message or dead-letter every poison one. */
    private static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(2);

    private static final Duration DLQ_POLL_INTERVAL = Duration.ofMillis(10);

    private static final String DEFAULT_EXCHANGE = "";

    private static final Cell CLASSIC_1 = new Cell(QueueType.CLASSIC, 1);
    private static final Cell CLASSIC_4 = new Cell(QueueType.CLASSIC, 4);
    private static final Cell QUORUM_1 = new Cell(QueueType.QUORUM, 1);
    private static final Cell QUORUM_4 = new Cell(QueueType.QUORUM, 4);

    private static final String RAW = "raw amqp-client, manual ack";
    private static final String SPRING = "Spring @RabbitListener-style, AUTO ack";
    private static final String WARREN = "Warren @Consumer";

    private SuiteBenchmark() {
    }

    /**
     * Runs the suite and prints the results.
     *
     * @param args ignored; settings are system properties
     * @throws Exception when the broker or Redis is unreachable, a round times out or a message was
     *     lost or handled twice
     */
    public static void main(String[] args) throws Exception {
        Settings settings = new Settings(Benchmarks.positiveProperty("messages", 10_000),
                Benchmarks.positiveProperty("rounds", 3),
                Duration.ofSeconds(Benchmarks.positiveProperty("blockingRetrySeconds", 20)),
                Benchmarks.positiveProperty("latencyRate", 1_000),
                Duration.ofSeconds(Benchmarks.positiveProperty("latencySeconds", 10)));
        RabbitBroker broker = RabbitBroker.get();
        JsonMapper mapper = Benchmarks.consumerMapper();
        List<byte[]> bodies = Benchmarks.encode(mapper, settings.messages());
        String machine = Benchmarks.machine(broker);
        System.out.printf(Locale.ROOT, "Suite benchmark: %,d x %,d-byte JSON messages per round, %d rounds after 1 warm-up, "
                + "prefetch %d; %s%n", settings.messages(), bodies.get(0).length, settings.rounds(), PREFETCH, machine);

        // The Redis store's keys get a prefix of this run's own, and are deleted after it.
        String redisPrefix = "warren-benchmark:" + UUID.randomUUID() + ":";
        LettuceConnectionFactory redisConnections = new LettuceConnectionFactory(System.getProperty("redisHost", "127.0.0.1"),
                Benchmarks.positiveProperty("redisPort", 6379));
        redisConnections.afterPropertiesSet();
        StringRedisTemplate redis = new StringRedisTemplate(redisConnections);
        CachingConnectionFactory springFactory = broker.connectionFactory();
        CachingConnectionFactory warrenFactory = broker.connectionFactory();
        List<Row> rows;
        List<Latency> latencies;
        try (Connection admin = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-admin");
                Connection raw = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-raw")) {
            Factories factories = new Factories(raw, springFactory, warrenFactory, mapper, redis, redisPrefix);
            rows = throughput(admin, contenders(factories), bodies, settings);
            latencies = List.of(
                    measureLatency(admin, "Warren sendAsync -> @Consumer", settings, queue -> warrenLatency(factories, queue)),
                    measureLatency(admin, "RabbitTemplate -> @RabbitListener-style", settings,
                            queue -> springLatency(factories, queue)));
        } finally {
            try {
                Set<String> keys = redis.keys(redisPrefix + "*");
                if (!keys.isEmpty()) {
                    redis.delete(keys);
                }
            } finally {
                redisConnections.destroy();
                // The engines and containers do not own their factories, so these close only after them.
                springFactory.destroy();
                warrenFactory.destroy();
            }
        }

        System.out.print(textTable(rows, latencies, settings));
        Benchmarks.writeReport(System.getProperty("report"), markdown(rows, latencies, settings, machine, bodies.get(0).length));
    }

    /** The contenders, grouped by cell; a ratio compares a row with its reference in the same cell. */
    private static List<Contender> contenders(Factories f) {
        List<Contender> contenders = new ArrayList<>();
        for (Cell cell : List.of(CLASSIC_1, CLASSIC_4, QUORUM_1, QUORUM_4)) {
            contenders.add(Contender.healthy("1 consume", RAW, cell, RAW,
                    (queue, deliveries) -> f.raw(cell, queue, deliveries)));
            contenders.add(Contender.healthy("1 consume", SPRING, cell, RAW,
                    (queue, deliveries) -> f.springHealthy(cell, queue, deliveries)));
            contenders.add(Contender.healthy("1 consume", WARREN, cell, RAW,
                    (queue, deliveries) -> f.warren(cell, queue, new HealthyHandler(deliveries), null, deliveries)));
        }
        for (Cell cell : List.of(QUORUM_1, QUORUM_4)) {
            contenders.add(Contender.healthy("2 idempotent", "Warren idempotent, in-memory store", cell, WARREN,
                    (queue, deliveries) -> f.warren(cell, queue, new IdempotentHandler(deliveries),
                            new InMemoryIdempotencyStore(2 * deliveries.healthy(), Clock.systemUTC()), deliveries)));
            contenders.add(Contender.healthy("2 idempotent", "Warren idempotent, Redis store", cell, WARREN,
                    (queue, deliveries) -> f.warren(cell, queue, new IdempotentHandler(deliveries),
                            f.redisStore(queue), deliveries)));
        }
        contenders.add(new Contender("3 10% poison", "Spring stateless retry (blocking), 3 attempts", QUORUM_1, SPRING, true,
                true, f::springBlockingRetry));
        contenders.add(new Contender("3 10% poison", "Spring + hand-written DLX/TTL retry loop", QUORUM_1, SPRING, true,
                false, f::springRetryLoop));
        contenders.add(new Contender("3 10% poison", "Warren @Retry(maxAttempts = 3, backoff = 1s)", QUORUM_1, WARREN, true,
                false, (queue, deliveries) -> f.warren(QUORUM_1, queue, new PoisonedHandler(deliveries), null, deliveries)));
        return contenders;
    }

    private static List<Row> throughput(Connection admin, List<Contender> contenders, List<byte[]> bodies, Settings settings)
            throws Exception {
        // One warm-up round of the first cell's contenders: the JIT and the connections warm up for all cells alike.
        for (Contender contender : contenders.stream().filter(contender -> contender.cell().equals(CLASSIC_1)).toList()) {
            runRound(contender, admin, bodies, settings);
        }
        Map<Contender, List<Double>> rates = new HashMap<>();
        for (int round = 0; round < settings.rounds(); round++) {
            for (Contender contender : contenders) {
                // A capped run takes its whole window, and it measures a rate that hardly varies; once is enough.
                if (round == 0 || !contender.capped()) {
                    rates.computeIfAbsent(contender, key -> new ArrayList<>()).add(runRound(contender, admin, bodies, settings));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Contender contender : contenders) {
            double[] values = rates.get(contender).stream().mapToDouble(Double::doubleValue).toArray();
            rows.add(new Row(contender, values, Benchmarks.median(values)));
        }
        return rows;
    }

    /**
     * One round of one contender on a fresh queue: declare, pre-publish, then time the consumer until
     * every healthy message was handled (or, capped, until its window ended) and, with poison, every
     * poison message is in the dead-letter queue. Deletes every queue the round declared.
     *
     * @return healthy messages per second
     */
    private static double runRound(Contender contender, Connection admin, List<byte[]> bodies, Settings settings)
            throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.suite");
        Deliveries deliveries = new Deliveries(bodies.size(), contender.poisoned());
        Run run = contender.runs().create(queue, deliveries);
        double rate;
        // A channel of its own: if a round fails, the broker may close the channel that saw it.
        try (Channel channel = admin.createChannel()) {
            try {
                run.declare();
                Benchmarks.prePublish(channel, queue, bodies);
                long start = System.nanoTime();
                run.start();
                if (contender.capped()) {
                    deliveries.awaitHealthyWithin(settings.blockingRetryWindow());
                    rate = deliveries.healthyHandled() / ((System.nanoTime() - start) / 1e9);
                } else {
                    deliveries.awaitHealthy(OUTCOME_TIMEOUT);
                    rate = deliveries.healthy() / ((System.nanoTime() - start) / 1e9);
                }
                if (contender.poisoned() && !contender.capped()) {
                    String deadLetterQueue = QueueSpec.deadLetterQueueName(queue);
                    await().atMost(OUTCOME_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(DLQ_POLL_INTERVAL)
                            .until(() -> Benchmarks.depth(channel, deadLetterQueue) >= deliveries.poison());
                    Benchmarks.requireDepth(channel, deadLetterQueue, deliveries.poison(), "poison messages");
                }
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
        // Only now, with the consumer stopped, are the counts final; a capped run stopped mid-way on purpose.
        if (!contender.capped()) {
            deliveries.verify(contender.name());
            run.verify();
        }
        return rate;
    }

    /**
     * Publishes {@code latencyRate} messages a second for the warm-up and the measured seconds to a
     * fresh quorum queue that the contender consumes, and takes the percentiles of the measured ones.
     */
    private static Latency measureLatency(Connection admin, String name, Settings settings,
            Function<String, LatencyContender> contenders) throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.latency");
        int warmup = (int) (settings.latencyRate() * LATENCY_WARMUP.toSeconds());
        int measured = (int) (settings.latencyRate() * settings.latencyWindow().toSeconds());
        LatencyContender contender = contenders.apply(queue);
        LatencyRecorder recorder = contender.recorder();
        recorder.reset(warmup + measured);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
                runnable -> new Thread(runnable, "benchmark-latency-publisher"));
        try (Channel channel = admin.createChannel()) {
            try {
                contender.run().declare();
                contender.run().start();
                AtomicInteger sent = new AtomicInteger();
                long periodNanos = TimeUnit.SECONDS.toNanos(1) / settings.latencyRate();
                pacer.scheduleAtFixedRate(() -> {
                    int sequence = sent.getAndIncrement();
                    if (sequence < warmup + measured) {
                        contender.publisher().publish(TimedEvent.sentNow(sequence), recorder);
                    }
                }, 0, periodNanos, TimeUnit.NANOSECONDS);
                recorder.awaitAll(settings.latencyWindow().plus(LATENCY_WARMUP).plus(OUTCOME_TIMEOUT));
            } finally {
                try {
                    pacer.shutdownNow();
                    contender.run().close();
                } finally {
                    for (String declared : contender.run().queues()) {
                        channel.queueDelete(declared);
                    }
                }
            }
        }
        long[] sorted = Arrays.copyOfRange(recorder.latencies(), warmup, warmup + measured);
        Arrays.sort(sorted);
        return new Latency(name, measured, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 99.9));
    }

    private static LatencyContender warrenLatency(Factories f, String queue) {
        LatencyRecorder recorder = new LatencyRecorder();
        WarrenEngine engine = WarrenEngine.builder(f.warrenFactory())
                .handlers(new LatencyHandler(recorder))
                .nameResolver(name -> QUEUE.equals(name) ? queue : name)
                .consumerDefaults(new ConsumerSettings(QUORUM_1.concurrency(), PREFETCH, QUORUM_1.type()))
                .build();
        return new LatencyContender(new WarrenRun(engine, null), recorder, (event, sink) -> engine.warren()
                .sendAsync(queue, event).whenComplete((receipt, failure) -> sink.failedIf(failure)));
    }

    private static LatencyContender springLatency(Factories f, String queue) {
        LatencyRecorder recorder = new LatencyRecorder();
        RabbitTemplate template = new RabbitTemplate(f.springFactory());
        template.setMessageConverter(new JacksonJsonMessageConverter(f.mapper()));
        Run run = new SpringListenerRun(f.springFactory(), f.mapper(), List.of(durable(queue, QUORUM_1.type(), Map.of())),
                new LatencyListener(recorder), QUORUM_1.concurrency(), PREFETCH);
        return new LatencyContender(run, recorder, (event, sink) -> template.convertAndSend(DEFAULT_EXCHANGE, queue, event));
    }

    /** The value at the percentile of sorted values, nearest-rank, in milliseconds. */
    private static double percentile(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static Queue durable(String name, QueueType type, Map<String, Object> arguments) {
        Map<String, Object> all = new HashMap<>(arguments);
        all.putAll(Benchmarks.queueArguments(type));
        return new Queue(name, true, false, false, all);
    }

    private static String textTable(List<Row> rows, List<Latency> latencies, Settings settings) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%-13s %-7s %4s %-46s %13s %8s  %-50s %s%n",
                "case", "queue", "conc", "contender", "healthy msg/s", "ratio", "vs (same queue, concurrency)",
                "rounds (msg/s)"));
        for (Row row : rows) {
            Contender contender = row.contender();
            out.append(String.format(Locale.ROOT, "%-13s %-7s %4d %-46s %,13.1f %8s  %-50s %s%n", contender.caseName(),
                    Benchmarks.queueName(contender.cell().type()), contender.cell().concurrency(), contender.name(),
                    row.median(), ratioText(rows, row), referenceText(row), roundsText(row)));
        }
        out.append(String.format(Locale.ROOT, "%n4 latency at %,d msg/s for %d s (quorum, concurrency 1, prefetch %d)%n",
                settings.latencyRate(), settings.latencyWindow().toSeconds(), PREFETCH));
        out.append(String.format(Locale.ROOT, "%-42s %9s %9s %9s %12s%n", "contender", "p50 ms", "p99 ms", "p99.9 ms",
                "p99 vs Spring"));
        Latency last = latencies.get(latencies.size() - 1);
        for (Latency latency : latencies) {
            out.append(String.format(Locale.ROOT, "%-42s %9.2f %9.2f %9.2f %11.2fx%n", latency.name(), latency.p50(),
                    latency.p99(), latency.p999(), latency.p99() / last.p99()));
        }
        return out.toString();
    }

    private static String markdown(List<Row> rows, List<Latency> latencies, Settings settings, String machine,
            int bodyBytes) {
        StringBuilder out = new StringBuilder("# Suite benchmark\n\n");
        out.append(String.format(Locale.ROOT, "%s. %,d persistent %,d-byte JSON messages per round, pre-published to a fresh "
                + "durable queue per contender and round; prefetch %d per consumer; median of %d rounds after a warm-up "
                + "round (the blocking-retry row: one %d s window). Ratios compare healthy msg/s with the named contender "
                + "on the same queue type and concurrency.%n%n", machine, settings.messages(), bodyBytes, PREFETCH,
                settings.rounds(), settings.blockingRetryWindow().toSeconds()));
        out.append("| Case | Queue | Concurrency | Contender | Healthy msg/s | Ratio | vs | Rounds (msg/s) |\n");
        out.append("|---|---|---:|---|---:|---:|---|---|\n");
        for (Row row : rows) {
            Contender contender = row.contender();
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %,.1f | %s | %s | %s |%n", contender.caseName(),
                    Benchmarks.queueName(contender.cell().type()), contender.cell().concurrency(), contender.name(),
                    row.median(), ratioText(rows, row), referenceText(row), roundsText(row)));
        }
        out.append(String.format(Locale.ROOT, "%n## Latency%n%nPublisher to handler, %,d msg/s for %d s after %d s of warm-up, "
                + "durable quorum queue, concurrency 1, prefetch %d; the payload carries the publisher's "
                + "`System.nanoTime()`.%n%n| Contender | p50 ms | p99 ms | p99.9 ms |%n|---|---:|---:|---:|%n",
                settings.latencyRate(), settings.latencyWindow().toSeconds(), LATENCY_WARMUP.toSeconds(), PREFETCH));
        for (Latency latency : latencies) {
            out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", latency.name(), latency.p50(),
                    latency.p99(), latency.p999()));
        }
        return out.toString();
    }

    /** The row's median over its reference's, with more digits for a collapsed rate: {@code 0.85x}, {@code 0.0003x}. */
    private static String ratioText(List<Row> rows, Row row) {
        double ratio = row.median() / reference(rows, row).median();
        return String.format(Locale.ROOT, ratio < 0.01 ? "%.4fx" : "%.2fx", ratio);
    }

    private static String roundsText(Row row) {
        return Benchmarks.joined(row.rates(), row.median() < 100 ? "%,.1f" : "%,.0f");
    }

    private static Row reference(List<Row> rows, Row row) {
        Contender contender = row.contender();
        return rows.stream()
                .filter(other -> other.contender().cell().equals(contender.cell())
                        && other.contender().name().equals(contender.reference()))
                .findFirst().orElseThrow();
    }

    private static String referenceText(Row row) {
        return row.contender().poisoned() ? row.contender().reference() + ", no poison" : row.contender().reference();
    }

    /** The suite's settings, from system properties. */
    private record Settings(int messages, int rounds, Duration blockingRetryWindow, int latencyRate, Duration latencyWindow) {
    }

    /** A queue type and a number of consumers; ratios compare rows of one cell. */
    private record Cell(QueueType type, int concurrency) {
    }

    /** Creates a contender's consumer for one round; performs no I/O. */
    @FunctionalInterface
    private interface RunFactory {
        Run create(String queue, Deliveries deliveries) throws Exception;
    }

    /**
     * One row of the table.
     *
     * @param reference the name of the contender in the same cell that the ratio divides by
     * @param capped measured for a fixed window, once, instead of until every healthy message was handled
     */
    private record Contender(String caseName, String name, Cell cell, String reference, boolean poisoned, boolean capped,
            RunFactory runs) {

        static Contender healthy(String caseName, String name, Cell cell, String reference, RunFactory runs) {
            return new Contender(caseName, name, cell, reference, false, false, runs);
        }
    }

    private record Row(Contender contender, double[] rates, double median) {
    }

    private record Latency(String name, int messages, double p50, double p99, double p999) {
    }

    /** The connections every contender is built on, and how each contender is built. Used by the main thread. */
    private record Factories(Connection raw, CachingConnectionFactory springFactory, CachingConnectionFactory warrenFactory,
            JsonMapper mapper, StringRedisTemplate redis, String redisPrefix) {

        Run raw(Cell cell, String queue, Deliveries deliveries) throws Exception {
            ObjectReader reader = mapper.readerFor(BenchmarkEvent.class);
            return new RawAmqpClientRun(raw, queue, cell.type(), reader, deliveries, PREFETCH, cell.concurrency());
        }

        Run springHealthy(Cell cell, String queue, Deliveries deliveries) {
            return new SpringListenerRun(springFactory, mapper, List.of(durable(queue, cell.type(), Map.of())),
                    new HealthyListener(deliveries), cell.concurrency(), PREFETCH);
        }

        /** As a Boot user adds retry: Spring's stateless interceptor, which waits on the consumer thread. */
        Run springBlockingRetry(String queue, Deliveries deliveries) {
            String deadLetterQueue = QueueSpec.deadLetterQueueName(queue);
            return new SpringListenerRun(springFactory, mapper,
                    List.of(durable(queue, QUORUM_1.type(), deadLetterTo(deadLetterQueue)),
                            durable(deadLetterQueue, QUORUM_1.type(), Map.of())),
                    new FailingListener(deliveries), QUORUM_1.concurrency(), PREFETCH,
                    RetryInterceptorBuilder.stateless()
                            // maxAttempts(3) of spring-retry days: spring-amqp 4 counts retries after the first attempt.
                            .maxRetries(ConsumerBenchmark.POISON_ATTEMPTS - 1)
                            .backOffOptions(1000, 2.0, 10000)
                            .recoverer(new RejectAndDontRequeueRecoverer())
                            .build());
        }

        /**
         * A retry loop by hand: a failed message is rejected into a TTL queue that dead-letters it
         * back to the work queue after {@link #RETRY_LOOP_DELAY}; the last attempt parks it in the
         * dead-letter queue.
         */
        Run springRetryLoop(String queue, Deliveries deliveries) {
            String retryQueue = queue + ".retry";
            String deadLetterQueue = QueueSpec.deadLetterQueueName(queue);
            Map<String, Object> retryArguments = new HashMap<>(deadLetterTo(queue));
            retryArguments.put("x-message-ttl", RETRY_LOOP_DELAY.toMillis());
            RabbitTemplate template = new RabbitTemplate(springFactory);
            template.setMessageConverter(new JacksonJsonMessageConverter(mapper));
            return new SpringListenerRun(springFactory, mapper,
                    List.of(durable(queue, QUORUM_1.type(), deadLetterTo(retryQueue)),
                            durable(retryQueue, QUORUM_1.type(), retryArguments),
                            durable(deadLetterQueue, QUORUM_1.type(), Map.of())),
                    new RetryLoopListener(deliveries, template, deadLetterQueue), QUORUM_1.concurrency(), PREFETCH);
        }

        Run warren(Cell cell, String queue, Object handler, @Nullable IdempotencyStore store, Deliveries deliveries) {
            WarrenEngine.Builder builder = WarrenEngine.builder(warrenFactory)
                    .handlers(handler)
                    .nameResolver(name -> QUEUE.equals(name) ? queue : name)
                    .consumerDefaults(new ConsumerSettings(cell.concurrency(), PREFETCH, cell.type()));
            if (store != null) {
                builder.idempotencyStore(store);
            }
            return new WarrenRun(builder.build(), deliveries);
        }

        IdempotencyStore redisStore(String queue) {
            return new RedisIdempotencyStore(redis, redisPrefix + queue + ":");
        }

        private static Map<String, Object> deadLetterTo(String queue) {
            return Map.of("x-dead-letter-exchange", DEFAULT_EXCHANGE, "x-dead-letter-routing-key", queue);
        }
    }

    /** The latency run's payload: about 1 KB, like {@link BenchmarkEvent}, stamped with the publisher's clock. */
    record TimedEvent(int sequence, long sentNanos, String notes) {

        private static final String NOTES = BenchmarkEvent.numbered(0).notes();

        /** An event stamped with {@link System#nanoTime()}, which the handler, in the same JVM, subtracts from its own. */
        static TimedEvent sentNow(int sequence) {
            return new TimedEvent(sequence, System.nanoTime(), NOTES);
        }
    }

    /** Sends one latency event; failures go to the sink. Called on the pacer thread. */
    @FunctionalInterface
    private interface LatencyPublisher {
        void publish(TimedEvent event, LatencyRecorder sink);
    }

    private record LatencyContender(Run run, LatencyRecorder recorder, LatencyPublisher publisher) {
    }

    /**
     * Records each event's latency by its sequence number and releases the main thread when all
     * arrived or a send failed. Called on the consumer and publisher threads.
     */
    static final class LatencyRecorder {

        private long[] latencies = new long[0];
        private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        private CountDownLatch left = new CountDownLatch(0);

        /** Prepares for {@code messages} events; called by the main thread before anything is sent. */
        void reset(int messages) {
            latencies = new long[messages];
            left = new CountDownLatch(messages);
        }

        void record(TimedEvent event) {
            latencies[event.sequence()] = System.nanoTime() - event.sentNanos();
            left.countDown();
        }

        void failedIf(@Nullable Throwable cause) {
            if (cause != null && failure.compareAndSet(null, cause)) {
                while (left.getCount() > 0) {
                    left.countDown();
                }
            }
        }

        void awaitAll(Duration timeout) throws InterruptedException {
            if (!left.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(left.getCount() + " latency events did not arrive within " + timeout);
            }
            Throwable cause = failure.get();
            if (cause != null) {
                throw new IllegalStateException("A latency event could not be sent: " + cause, cause);
            }
        }

        long[] latencies() {
            return latencies;
        }
    }

    /** Warren's healthy handler, its concurrency and prefetch from the engine's defaults. Called on consumer threads. */
    record HealthyHandler(Deliveries deliveries) {

        @Consumer(queue = QUEUE)
        void handle(BenchmarkEvent event) {
            deliveries.handle(event);
        }
    }

    /** Warren's idempotent handler, keyed by the AMQP {@code message_id}. Called on consumer threads. */
    record IdempotentHandler(Deliveries deliveries) {

        @Consumer(queue = QUEUE, idempotent = true)
        void handle(BenchmarkEvent event) {
            deliveries.handle(event);
        }
    }

    /** Warren's handler on the failure path: throws for every poison message. Called on consumer threads. */
    record PoisonedHandler(Deliveries deliveries) {

        @Consumer(queue = QUEUE, retry = @Retry(maxAttempts = ConsumerBenchmark.POISON_ATTEMPTS, backoff = "1s"))
        void handle(BenchmarkEvent event) {
            if (deliveries.handle(event)) {
                throw new TransientFailureException("Message " + event.id() + " is poison by design of the benchmark");
            }
        }
    }

    /** Warren's latency handler. Called on the consumer thread. */
    record LatencyHandler(LatencyRecorder recorder) {

        @Consumer(queue = QUEUE)
        void handle(TimedEvent event) {
            recorder.record(event);
        }
    }

    /** The {@code @RabbitListener}-style healthy listener. Called on the container's consumer threads. */
    record HealthyListener(Deliveries deliveries) {

        public void handle(BenchmarkEvent event) {
            deliveries.handle(event);
        }
    }

    /** The listener behind Spring's blocking retry: throws for every poison message. Called on consumer threads. */
    record FailingListener(Deliveries deliveries) {

        public void handle(BenchmarkEvent event) {
            if (deliveries.handle(event)) {
                throw new IllegalStateException("Message " + event.id() + " is poison by design of the benchmark");
            }
        }
    }

    /**
     * The hand-written retry loop's listener: a poison message is rejected into the TTL queue until
     * its last attempt, which it publishes to the dead-letter queue and so acknowledges. The attempt
     * number comes from RabbitMQ's {@code x-death} header. Called on the container's consumer thread.
     */
    record RetryLoopListener(Deliveries deliveries, RabbitTemplate template, String deadLetterQueue) {

        public void handle(BenchmarkEvent event, @Header(name = "x-death", required = false) @Nullable List<Map<String, ?>> deaths) {
            if (!deliveries.handle(event)) {
                return;
            }
            if (attempt(deaths) < ConsumerBenchmark.POISON_ATTEMPTS) {
                throw new AmqpRejectAndDontRequeueException("Message " + event.id() + " is poison by design of the benchmark");
            }
            template.convertAndSend(DEFAULT_EXCHANGE, deadLetterQueue, event);
        }

        /** 1 for a first delivery; each rejection from the work queue left a count in {@code x-death}. */
        private static long attempt(@Nullable List<Map<String, ?>> deaths) {
            long rejections = 0;
            for (Map<String, ?> death : deaths == null ? List.<Map<String, ?>>of() : deaths) {
                if ("rejected".equals(String.valueOf(death.get("reason"))) && death.get("count") instanceof Number count) {
                    rejections += count.longValue();
                }
            }
            return rejections + 1;
        }
    }

    /** The {@code @RabbitListener}-style latency listener. Called on the container's consumer thread. */
    record LatencyListener(LatencyRecorder recorder) {

        public void handle(TimedEvent event) {
            recorder.record(event);
        }
    }
}
