package dev.warren.benchmarks;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.annotation.Retry;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.OperationResult;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.failure.FailureClass;
import dev.warren.failure.TransientFailureException;
import dev.warren.test.RabbitBroker;
import dev.warren.topology.QueueSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures issue 8's scale cases 5 to 7 in one run against one broker: the heap an engine with
 * many handlers takes, and whether a backlog grows it; how long {@code engine.start()} takes with
 * 50 and 500 handlers; the consume rate of one handler at concurrency 1, 2, 4 and 8; and how fast
 * {@code deadLetters().replay(…)} moves 100,000 dead letters back (the target: 10,000 msg/s).
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks compile exec:java -Dexec.mainClass=dev.warren.benchmarks.ScaleBenchmark -Dreport=benchmarks/target/scale.md
 * }</pre>
 *
 * <p>System properties: {@code handlers} (default 50), {@code manyHandlers} (500), {@code backlog}
 * (100,000), {@code messages} (20,000 per concurrency round), {@code rounds} (1 per concurrency),
 * {@code deadLetters} (100,000) and {@code report} (a Markdown file). The broker is found by
 * {@link RabbitBroker#get()}.
 *
 * <p>Many handlers come from one handler class registered again and again on one engine: its
 * {@code @Consumer(queue = "${benchmark.queue}")} goes through the engine's name resolver once per
 * registration, and a resolver that counts gives each registration a queue of its own. The run
 * checks that the topology holds as many distinct work queues as handlers.
 *
 * <p>Heap is measured in the JVM that runs the benchmark ({@code exec:java} runs in Maven's), so
 * the table shows it against the heap before the first engine: used heap after full collections,
 * repeated until two readings in a row agree.
 *
 * <p>Single-threaded: {@link #main} runs the cases; the engines' consumer threads handle messages.
 *
 * @since 0.1
 */
public final class ScaleBenchmark {

    /** Every handler's queue; each engine's name resolver replaces it by a queue of this run. */
    static final String QUEUE = "${benchmark.queue}";

    /** Unacknowledged messages per consumer, as in the suite. */
    static final int PREFETCH = SuiteBenchmark.PREFETCH;

    private static final int[] CONCURRENCIES = {1, 2, 4, 8};

    /** Two heap readings after a full collection that differ by at most this count as settled. */
    private static final long HEAP_TOLERANCE_BYTES = 256 * 1024;

    /** How long the heap may take to settle; then the last reading counts. */
    private static final Duration HEAP_SETTLE_TIMEOUT = Duration.ofSeconds(10);

    /** The short settle between full collections. */
    private static final Duration HEAP_POLL_INTERVAL = Duration.ofMillis(200);

    /** Full collections before the heap may count as settled. */
    private static final int MIN_COLLECTIONS = 3;

    /** How long a round may take to handle its messages, or the gated handler to fill its prefetch. */
    private static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(2);

    /** The target for replaying dead letters. */
    private static final double REPLAY_TARGET_PER_SECOND = 10_000;

    private static final double MEGABYTE = 1024.0 * 1024.0;

    private ScaleBenchmark() {
    }

    /**
     * Runs the cases and prints the results.
     *
     * @param args ignored; settings are system properties
     * @throws Exception when the broker is unreachable, a case times out or a message was lost or
     *     handled twice
     */
    public static void main(String[] args) throws Exception {
        Settings settings = new Settings(Benchmarks.positiveProperty("handlers", 50),
                Benchmarks.positiveProperty("manyHandlers", 500), Benchmarks.positiveProperty("backlog", 100_000),
                Benchmarks.positiveProperty("messages", 20_000), Benchmarks.positiveProperty("rounds", 1),
                Benchmarks.positiveProperty("deadLetters", 100_000));
        RabbitBroker broker = RabbitBroker.get();
        JsonMapper mapper = Benchmarks.consumerMapper();
        List<byte[]> bodies = Benchmarks.encode(mapper, settings.messages());
        String machine = Benchmarks.machine(broker);
        System.out.printf(Locale.ROOT, "Scale benchmark: %d and %d handlers, %,d backlog, %,d x %,d-byte messages per "
                + "concurrency round, %,d dead letters; %s%n", settings.handlers(), settings.manyHandlers(), settings.backlog(),
                settings.messages(), bodies.get(0).length, settings.deadLetters(), machine);

        CachingConnectionFactory factory = broker.connectionFactory();
        List<Row> rows = new ArrayList<>();
        try (Connection admin = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-scale-admin")) {
            // Loads and warms the engine's classes, so that neither the first start-up nor the heap baseline pays for it.
            startUp(factory, admin, 1);
            long baseline = settledHeap();
            rows.add(Row.of("5 memory", "heap used before any engine", megabytes(baseline), "MB",
                    "after full GCs, in Maven's JVM (exec:java)"));

            for (int handlers : new int[] {settings.handlers(), settings.manyHandlers()}) {
                StartUp startUp = startUp(factory, admin, handlers);
                rows.add(Row.of("6 start-up", handlers + " handlers: engine.start(), new queues", startUp.millis(), "ms",
                        startUp.queues() + " classic queues declared, " + handlers + " consumers started"));
                rows.add(Row.of("6 start-up", handlers + " handlers: engine.start() again, queues exist", startUp.restartMillis(),
                        "ms", "as after a deployment"));
                rows.add(Row.of("6 start-up", handlers + " handlers: the same queues declared one by one", startUp.oneByOneMillis(),
                        "ms", "baseline: each declaration waits for its reply, as RabbitAdmin declares them; no consumers"));
                rows.add(Row.of("5 memory", handlers + " handlers started: heap vs before", megabytes(startUp.heap() - baseline),
                        "MB", String.format(Locale.ROOT, "%.0f KB per handler", (startUp.heap() - baseline) / 1024.0 / handlers)));
            }

            Backlog backlog = backlog(factory, admin, settings.backlog(), bodies.get(0));
            rows.add(Row.of("5 memory", String.format(Locale.ROOT, "%,d backlog, held handler: heap vs none", backlog.messages()),
                    megabytes(backlog.heapWith() - backlog.heapWithout()), "MB",
                    String.format(Locale.ROOT, "%,d messages in the client (prefetch %d); %.1f MB without, %.1f MB with",
                            backlog.inClient(), PREFETCH, megabytes(backlog.heapWithout()), megabytes(backlog.heapWith()))));

            for (int concurrency : CONCURRENCIES) {
                double[] rates = new double[settings.rounds()];
                for (int round = 0; round < rates.length; round++) {
                    rates[round] = consume(factory, admin, bodies, concurrency);
                }
                rows.add(Row.of("7 scale", "quorum, concurrency " + concurrency, Benchmarks.median(rates), "msg/s",
                        String.format(Locale.ROOT, "prefetch %d; rounds: %s", PREFETCH, Benchmarks.joined(rates, "%,.0f"))));
            }

            Replay replay = replay(factory, admin, settings.deadLetters(), bodies.get(0));
            rows.add(Row.of("7 DLQ replay", String.format(Locale.ROOT, "%,d dead letters, quorum", replay.messages()),
                    replay.rate(), "msg/s", String.format(Locale.ROOT, "%s target %,.0f msg/s; %.1f s in %d replay calls; "
                            + "%,d-byte headers each", replay.rate() >= REPLAY_TARGET_PER_SECOND ? "meets" : "MISSES",
                            REPLAY_TARGET_PER_SECOND, replay.seconds(), replay.calls(), replay.headerBytes())));
        } finally {
            // The engines do not own their factory, so it closes only after them.
            factory.destroy();
        }

        System.out.print(textTable(rows, machine));
        Benchmarks.writeReport(System.getProperty("report"), markdown(rows, settings, machine, bodies.get(0).length));
    }

    /**
     * Starts an engine with {@code handlers} handlers on classic queues of their own and times
     * {@code engine.start()}, which declares the topology and starts the consumers; then reads the
     * heap with the engine running. Closes the engine and deletes every queue it declared.
     */
    private static StartUp startUp(CachingConnectionFactory factory, Connection admin, int handlers) throws Exception {
        String prefix = RabbitBroker.uniqueName("warren.benchmark.scale.start-up");
        AtomicInteger registrations = new AtomicInteger();
        WarrenEngine engine = WarrenEngine.builder(factory)
                // Called once per registration of IdleHandler, for its one queue: each registration gets its own.
                .nameResolver(name -> QUEUE.equals(name) ? prefix + "." + registrations.incrementAndGet() : name)
                .consumerDefaults(new ConsumerSettings(1, PREFETCH, QueueType.CLASSIC))
                .build();
        for (int i = 0; i < handlers; i++) {
            engine.register(new IdleHandler(), IdleHandler.class);
        }
        List<String> queues = queueNames(engine);
        long workQueues = queues.stream().filter(name -> !name.endsWith(".dlq")).distinct().count();
        if (workQueues != handlers || engine.consumerSettings().size() != handlers) {
            throw new IllegalStateException("The engine has " + workQueues + " work queues and "
                    + engine.consumerSettings().size() + " consumers for " + handlers + " registrations; the name resolver "
                    + "did not give each registration a queue of its own");
        }
        try {
            long start = System.nanoTime();
            engine.start();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long heap = settledHeap();
            // A restart, as after a deployment: the queues exist and are declared again.
            engine.stop();
            start = System.nanoTime();
            engine.start();
            long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            engine.close();
            deleteQueues(admin, queues);
            return new StartUp(millis, restartMillis, declareOneByOne(admin, engine.topology().queues()), queues.size(), heap);
        } finally {
            try {
                engine.close();
            } finally {
                deleteQueues(admin, queues);
            }
        }
    }

    /**
     * The baseline for start-up: the time the broker takes to create the same queues when each
     * declaration waits for its reply, as {@code RabbitAdmin} declares a Spring AMQP application's
     * queues. The queues are deleted again by the caller.
     */
    private static long declareOneByOne(Connection admin, List<QueueSpec> queues) throws IOException, TimeoutException {
        long start = System.nanoTime();
        try (Channel channel = admin.createChannel()) {
            for (QueueSpec queue : queues) {
                channel.queueDeclare(queue.name(), true, false, false, queue.arguments());
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * Reads the heap with a started engine whose handler is held on a gate, once with its queue
     * empty and once with {@code messages} waiting, when the broker has pushed the handler's
     * prefetch. Opens the gate, closes the engine and deletes its queues.
     */
    private static Backlog backlog(CachingConnectionFactory factory, Connection admin, int messages, byte[] body)
            throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.scale.backlog");
        Gate gate = new Gate();
        WarrenEngine engine = WarrenEngine.builder(factory)
                .handlers(new HeldHandler(gate))
                .nameResolver(name -> QUEUE.equals(name) ? queue : name)
                // Classic: the heap in question is the client's, and a classic queue takes the backlog faster.
                .consumerDefaults(new ConsumerSettings(1, PREFETCH, QueueType.CLASSIC))
                .build();
        try (Channel channel = admin.createChannel()) {
            try {
                engine.start();
                long without = settledHeap();
                // Stopped while publishing, so that the pre-published depth can be checked; started again on the backlog.
                engine.stop();
                // One body for every message, so that the publisher's own copies do not count in the heap.
                Benchmarks.prePublish(channel, queue, Collections.nCopies(messages, body));
                engine.start();
                gate.awaitHeld(OUTCOME_TIMEOUT);
                await().atMost(OUTCOME_TIMEOUT).pollInterval(HEAP_POLL_INTERVAL)
                        .until(() -> Benchmarks.depth(channel, queue) <= Math.max(0, messages - PREFETCH));
                long with = settledHeap();
                return new Backlog(messages, messages - Benchmarks.depth(channel, queue), without, with);
            } finally {
                gate.open();
                try {
                    engine.close();
                } finally {
                    deleteQueues(admin, queueNames(engine));
                }
            }
        }
    }

    /**
     * One round of one handler at the concurrency on a fresh quorum queue: pre-publish, then time
     * from {@code engine.start()} to the last message handled. Deletes the queues, then checks that
     * every message was handled once.
     *
     * @return messages per second
     */
    private static double consume(CachingConnectionFactory factory, Connection admin, List<byte[]> bodies, int concurrency)
            throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.scale.consume");
        Deliveries deliveries = new Deliveries(bodies.size(), false);
        WarrenRun run = new WarrenRun(WarrenEngine.builder(factory)
                .handlers(new SuiteBenchmark.HealthyHandler(deliveries))
                .nameResolver(name -> SuiteBenchmark.QUEUE.equals(name) ? queue : name)
                .consumerDefaults(new ConsumerSettings(concurrency, PREFETCH, QueueType.QUORUM))
                .build(), deliveries);
        double seconds;
        try (Channel channel = admin.createChannel()) {
            try {
                run.declare();
                Benchmarks.prePublish(channel, queue, bodies);
                long start = System.nanoTime();
                run.start();
                deliveries.awaitHealthy(OUTCOME_TIMEOUT);
                seconds = (System.nanoTime() - start) / 1e9;
            } finally {
                try {
                    run.close();
                } finally {
                    deleteQueues(admin, run.queues());
                }
            }
        }
        deliveries.verify("Warren at concurrency " + concurrency);
        run.verify();
        return bodies.size() / seconds;
    }

    /**
     * Fills a handler's dead-letter queue with {@code messages} dead letters as Warren writes them,
     * then times {@code replay(queue, Selection.all(), ReplayOptions.defaults())}, called until the
     * dead-letter queue is empty, and checks that the work queue holds every message. The engine is
     * not started, so nothing consumes the replayed messages.
     */
    private static Replay replay(CachingConnectionFactory factory, Connection admin, int messages, byte[] body)
            throws Exception {
        String queue = RabbitBroker.uniqueName("warren.benchmark.scale.replay");
        String deadLetterQueue = QueueSpec.deadLetterQueueName(queue);
        WarrenEngine engine = WarrenEngine.builder(factory)
                .handlers(new SuiteBenchmark.HealthyHandler(new Deliveries(1, false)))
                .nameResolver(name -> SuiteBenchmark.QUEUE.equals(name) ? queue : name)
                .consumerDefaults(new ConsumerSettings(1, PREFETCH, QueueType.QUORUM))
                .build();
        Map<String, Object> headers = deadLetterHeaders(queue);
        try (Channel channel = admin.createChannel()) {
            try {
                engine.declareTopology();
                Benchmarks.prePublish(channel, deadLetterQueue, Collections.nCopies(messages, body),
                        index -> Benchmarks.persistentJson(index).headers(headers).build());
                DeadLetters deadLetters = engine.deadLetters();
                int calls = 0;
                long start = System.nanoTime();
                // One call looks at no more than DeadLetters.MAX_MESSAGES.
                while (Benchmarks.depth(channel, deadLetterQueue) > 0) {
                    OperationResult result = deadLetters.replay(queue, Selection.all(), ReplayOptions.defaults());
                    calls++;
                    if (result.moved() == 0) {
                        throw new IllegalStateException("Replay call " + calls + " moved nothing of " + result.examined()
                                + " examined; " + Benchmarks.depth(channel, deadLetterQueue) + " dead letters are left");
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Benchmarks.requireDepth(channel, queue, messages, "replayed messages");
                return new Replay(messages, seconds, calls, headerBytes(headers));
            } finally {
                try {
                    engine.close();
                } finally {
                    deleteQueues(admin, queueNames(engine));
                }
            }
        }
    }

    /**
     * The headers Warren's consumer gives a dead letter (see {@code DeadLetterHeaders}): the reason,
     * a stack trace, the origin, the attempts, when and how it failed.
     */
    private static Map<String, Object> deadLetterHeaders(String queue) {
        TransientFailureException failure = new TransientFailureException("Payment provider timed out (benchmark dead letter)");
        StringWriter stackTrace = new StringWriter();
        failure.printStackTrace(new PrintWriter(stackTrace));
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("x-original-exchange", "");
        headers.put("x-original-routingKey", queue);
        headers.put("x-original-queue", queue);
        headers.put("x-warren-attempts", 3);
        headers.put("x-warren-failed-at", System.currentTimeMillis());
        headers.put("x-exception-message", failure.getMessage());
        headers.put("x-exception-stacktrace", stackTrace.toString());
        headers.put("x-warren-failure-class", FailureClass.TRANSIENT.headerValue());
        return headers;
    }

    private static int headerBytes(Map<String, Object> headers) {
        return headers.entrySet().stream().mapToInt(entry -> entry.getKey().length() + String.valueOf(entry.getValue()).length())
                .sum();
    }

    private static List<String> queueNames(WarrenEngine engine) {
        return engine.topology().queues().stream().map(QueueSpec::name).toList();
    }

    /**
     * Deletes the queues on one channel: all but the last without waiting, then the last with a
     * reply. A channel handles its methods in order, so that reply means every delete was done;
     * thousands of queues go in about the time of one round trip each on the broker's side only.
     */
    private static void deleteQueues(Connection admin, List<String> queues) throws IOException, TimeoutException {
        if (queues.isEmpty()) {
            return;
        }
        try (Channel channel = admin.createChannel()) {
            for (String queue : queues.subList(0, queues.size() - 1)) {
                channel.queueDeleteNoWait(queue, false, false);
            }
            channel.queueDelete(queues.get(queues.size() - 1));
        }
    }

    /**
     * The used heap after full collections, repeated with a short settle between them until two
     * readings in a row agree within {@link #HEAP_TOLERANCE_BYTES}; the last reading when they never do.
     */
    private static long settledHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] readings = {Long.MIN_VALUE, 0};
        AtomicInteger collections = new AtomicInteger();
        try {
            await().atMost(HEAP_SETTLE_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(HEAP_POLL_INTERVAL).until(() -> {
                memory.gc();
                readings[0] = readings[1];
                readings[1] = memory.getHeapMemoryUsage().getUsed();
                return collections.incrementAndGet() >= MIN_COLLECTIONS
                        && Math.abs(readings[1] - readings[0]) <= HEAP_TOLERANCE_BYTES;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Threads that keep allocating (the engine's queue monitor) can keep it moving; the last reading is close enough.
        }
        return readings[1];
    }

    private static double megabytes(long bytes) {
        return bytes / MEGABYTE;
    }

    private static String textTable(List<Row> rows, String machine) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nScale benchmark, %s%n%-13s %-42s %12s  %s%n",
                machine, "case", "measure", "value", "detail"));
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "%-13s %-42s %12s  %s%n", row.caseName(), row.measure(), row.valueText(),
                    row.detail()));
        }
        return out.toString();
    }

    private static String markdown(List<Row> rows, Settings settings, String machine, int bodyBytes) {
        StringBuilder out = new StringBuilder("# Scale benchmark\n\n");
        out.append(String.format(Locale.ROOT, "%s. Issue 8, cases 5 to 7. Handlers are one class registered %d and %d times on "
                + "one engine, each on a classic queue of its own (`@Retry(maxAttempts = 1)`: a work queue and a dead-letter "
                + "queue each); start-up is the wall time of `engine.start()`, which declares them and starts a consumer per "
                + "handler. Heap is the used heap after full GCs in the benchmark's JVM, against the heap before the first "
                + "engine. The backlog is %,d %,d-byte messages in a classic queue whose handler is held on a gate, against "
                + "the same engine on the empty queue. Scale: one handler, %,d pre-published messages on a fresh quorum queue "
                + "per round, prefetch %d per consumer, median of %d round(s), timed from `engine.start()` to the last "
                + "message handled. Replay: %,d dead letters with Warren's dead-letter headers in `<queue>.dlq` (quorum), "
                + "`deadLetters().replay(queue, Selection.all(), ReplayOptions.defaults())` called until the dead-letter "
                + "queue is empty (at most %,d per call); the work queue is checked to hold them all.%n%n",
                machine, settings.handlers(), settings.manyHandlers(), settings.backlog(), bodyBytes, settings.messages(),
                PREFETCH, settings.rounds(), settings.deadLetters(), DeadLetters.MAX_MESSAGES));
        out.append("| Case | Measure | Value | Detail |\n|---|---|---:|---|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", row.caseName(), row.measure(), row.valueText(),
                    row.detail()));
        }
        return out.toString();
    }

    private record Settings(int handlers, int manyHandlers, int backlog, int messages, int rounds, int deadLetters) {
    }

    /** One line of the table: {@code value} in {@code unit}, with a detail. */
    private record Row(String caseName, String measure, double value, String unit, String detail) {

        static Row of(String caseName, String measure, double value, String unit, String detail) {
            return new Row(caseName, measure, value, unit, detail);
        }

        String valueText() {
            return String.format(Locale.ROOT, "MB".equals(unit) ? "%,.1f %s" : "%,.0f %s", value, unit);
        }
    }

    private record StartUp(long millis, long restartMillis, long oneByOneMillis, int queues, long heap) {
    }

    private record Backlog(int messages, int inClient, long heapWithout, long heapWith) {
    }

    private record Replay(int messages, double seconds, int calls, int headerBytes) {

        double rate() {
            return messages / seconds;
        }
    }

    /**
     * Holds the backlog's handler until the benchmark opens it. Called on the consumer thread and the
     * main thread.
     */
    static final class Gate {

        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch opened = new CountDownLatch(1);

        /** Waits, on the consumer thread, until the gate is opened. */
        void pass() {
            held.countDown();
            try {
                if (!opened.await(OUTCOME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("The benchmark did not open the gate within " + OUTCOME_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while held at the gate", e);
            }
        }

        void awaitHeld(Duration timeout) throws InterruptedException {
            if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The held handler got no message within " + timeout);
            }
        }

        void open() {
            opened.countDown();
        }
    }

    /** The start-up handler, registered once per queue; never gets a message. */
    static final class IdleHandler {

        @Consumer(queue = QUEUE, queueType = QueueType.CLASSIC, retry = @Retry(maxAttempts = 1))
        void handle(BenchmarkEvent event) {
            // Its queues stay empty: the start-up case measures declaring and starting, not handling.
        }
    }

    /** The backlog's deliberately slow handler: each message waits at the gate. Called on the consumer thread. */
    record HeldHandler(Gate gate) {

        @Consumer(queue = QUEUE, queueType = QueueType.CLASSIC, retry = @Retry(maxAttempts = 1))
        void handle(BenchmarkEvent event) {
            gate.pass();
        }
    }
}
