package dev.warren.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.test.RabbitBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures publish throughput with publisher confirms of ~1 KB persistent JSON messages to one
 * durable classic queue, for raw amqp-client, Spring AMQP's {@code RabbitTemplate} and Warren, in
 * one run against the same broker, and prints the median msg/s of each.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks compile exec:java -Dmessages=50000 -Drounds=3 -Dreport=benchmarks/target/publisher.md
 * }</pre>
 *
 * <p>System properties: {@code messages} (default 50,000 per round), {@code warmup} (5,000),
 * {@code rounds} (3), {@code syncMessages} (5,000, for Warren's blocking {@code send}) and
 * {@code report} (a Markdown file to write the results to). The broker is found by
 * {@link RabbitBroker#get()} ({@code RABBITMQ_URI}, else 127.0.0.1:5672).
 *
 * <p>Fairness: every contender publishes persistent {@code application/json} messages of the same
 * size to the default exchange, keeps at most {@value #WINDOW} messages awaiting their confirm,
 * and counts a round as done only when the broker confirmed every message. Rounds of the
 * contenders alternate so that drift of the broker (disk, GC) hits all of them alike, and the
 * queue is purged after each round so that its depth does not slow later rounds. The baselines
 * send pre-encoded bytes; Warren encodes each record itself, because that is its API, and its wire
 * contract adds a {@code message_id}, a {@code timestamp} and the mandatory flag to every message.
 *
 * <p>Single-threaded: {@link #main} publishes from the calling thread; confirms arrive on the
 * client libraries' threads.
 *
 * @since 0.1
 */
public final class PublisherBenchmark {

    /** Messages that may await their confirm at once, as Warren's own default in-flight limit. */
    static final int WINDOW = 10_000;

    /** How long to wait for a window slot or the last confirms before calling the round failed. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(60);

    private static final String DEFAULT_EXCHANGE = "";

    private PublisherBenchmark() {
    }

    /**
     * Runs the benchmark and prints the results.
     *
     * @param args ignored; settings are system properties
     * @throws Exception when the broker is unreachable or any message is not confirmed
     */
    public static void main(String[] args) throws Exception {
        int messages = Benchmarks.positiveProperty("messages", 50_000);
        int warmup = Benchmarks.positiveProperty("warmup", 5_000);
        int rounds = Benchmarks.positiveProperty("rounds", 3);
        int syncMessages = Benchmarks.positiveProperty("syncMessages", 5_000);
        String reportPath = System.getProperty("report");

        RabbitBroker broker = RabbitBroker.get();
        JsonMapper mapper = JsonMapper.builder().build();
        byte[] body = mapper.writeValueAsBytes(BenchmarkEvent.numbered(0));
        String queue = RabbitBroker.uniqueName("warren.benchmark.publisher");

        System.out.printf(Locale.ROOT, "Publisher benchmark: %,d x %,d-byte JSON messages per round, %d rounds after %,d warm-up, "
                + "window %,d, %d CPUs, broker %s:%d, queue %s%n",
                messages, body.length, rounds, warmup, WINDOW, Runtime.getRuntime().availableProcessors(),
                broker.host(), broker.port(), queue);

        List<Result> results;
        try (Connection admin = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-admin")) {
            try (Channel channel = admin.createChannel()) {
                channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic"));
            }
            try {
                results = runAll(broker, admin, queue, body, messages, warmup, rounds, syncMessages);
            } finally {
                // A fresh channel: the one that failed, if any, may be closed by the broker.
                try (Channel channel = admin.createChannel()) {
                    channel.queueDelete(queue);
                }
            }
        }

        String table = textTable(results);
        System.out.print(table);
        Benchmarks.writeReport(reportPath, markdown(results, messages, body.length, rounds, warmup, syncMessages));
    }

    private static List<Result> runAll(RabbitBroker broker, Connection admin, String queue, byte[] body, int messages,
            int warmup, int rounds, int syncMessages) throws Exception {
        CachingConnectionFactory warrenFactory = broker.connectionFactory();
        try (Channel purger = admin.createChannel();
                RawAmqpClient raw = new RawAmqpClient(broker, queue, body);
                SpringRabbitTemplate spring = new SpringRabbitTemplate(broker, queue, body);
                WarrenEngine engine = WarrenEngine.builder(warrenFactory).build()) {
            // The engine is not started: it has no handlers, and its publisher works before start().
            List<Contender> contenders = List.of(
                    new Contender("raw amqp-client", messages, warmup, raw::publish),
                    new Contender("Spring AMQP RabbitTemplate", messages, warmup, spring::publish),
                    new Contender("Warren sendAsync", messages, warmup, count -> sendAsync(engine.warren(), queue, count)),
                    new Contender("Warren send (sync)", syncMessages, Math.min(warmup, syncMessages),
                            count -> send(engine.warren(), queue, count)));

            for (Contender contender : contenders) {
                contender.publisher.publish(contender.warmup);
                purger.queuePurge(queue);
            }
            double[][] rates = new double[contenders.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < contenders.size(); i++) {
                    Contender contender = contenders.get(i);
                    long start = System.nanoTime();
                    contender.publisher.publish(contender.messages);
                    long elapsed = System.nanoTime() - start;
                    rates[i][round] = contender.messages / (elapsed / 1e9);
                    purger.queuePurge(queue);
                }
            }
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < contenders.size(); i++) {
                results.add(new Result(contenders.get(i).name, contenders.get(i).messages, rates[i]));
            }
            return results;
        } finally {
            // The engine does not own its factory, so it is closed only after the engine.
            warrenFactory.destroy();
        }
    }

    private static void sendAsync(Warren warren, String queue, int count) throws InterruptedException {
        ConfirmWindow window = new ConfirmWindow();
        for (int i = 0; i < count; i++) {
            window.acquire();
            warren.sendAsync(queue, BenchmarkEvent.numbered(i)).whenComplete((receipt, failure) -> {
                if (failure != null) {
                    window.failed(1, failure);
                } else {
                    window.confirmed(1);
                }
            });
        }
        window.awaitAll();
    }

    private static void send(Warren warren, String queue, int count) {
        for (int i = 0; i < count; i++) {
            warren.send(queue, BenchmarkEvent.numbered(i));
        }
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> new Thread(runnable, prefix + count.incrementAndGet());
    }

    private static String textTable(List<Result> results) {
        double baseline = results.get(0).median();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%-28s %9s %12s %8s  %s%n",
                "contender", "messages", "median msg/s", "vs raw", "rounds (msg/s)"));
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, "%-28s %,9d %,12.0f %7.2fx  %s%n", result.name, result.messages,
                    result.median(), result.median() / baseline, result.roundsText()));
        }
        return out.toString();
    }

    private static String markdown(List<Result> results, int messages, int bodyBytes, int rounds, int warmup,
            int syncMessages) {
        double baseline = results.get(0).median();
        StringBuilder out = new StringBuilder("# Publisher benchmark\n\n");
        out.append(String.format(Locale.ROOT, "%,d persistent %,d-byte JSON messages per round (%,d for the blocking send), "
                + "publisher confirms, at most %,d awaiting confirm, durable classic queue; median of %d rounds after a "
                + "%,d-message warm-up; %d CPUs. The baselines send pre-encoded bytes; Warren encodes each record and "
                + "adds message_id, timestamp and the mandatory flag.%n%n", messages, bodyBytes, syncMessages, WINDOW, rounds, warmup,
                Runtime.getRuntime().availableProcessors()));
        out.append("| Contender | Messages | Median msg/s | vs raw amqp-client | Rounds (msg/s) |\n");
        out.append("|---|---:|---:|---:|---|\n");
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.2fx | %s |%n", result.name, result.messages,
                    result.median(), result.median() / baseline, result.roundsText()));
        }
        return out.toString();
    }

    /** Publishes a number of messages and returns once the broker confirmed all of them. */
    @FunctionalInterface
    private interface Publisher {
        void publish(int count) throws Exception;
    }

    private record Contender(String name, int messages, int warmup, Publisher publisher) {
    }

    private record Result(String name, int messages, double[] rates) {

        double median() {
            return Benchmarks.median(rates);
        }

        String roundsText() {
            return Benchmarks.joined(rates, "%,.0f");
        }
    }

    /**
     * Bounds the messages awaiting their confirm and remembers the first failure. The publishing
     * thread acquires a slot per message; confirm threads release them.
     */
    private static final class ConfirmWindow {

        private final Semaphore slots = new Semaphore(WINDOW);
        private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

        void acquire() throws InterruptedException {
            if (!slots.tryAcquire(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(WINDOW + " messages awaited their confirm for " + CONFIRM_TIMEOUT
                        + "; is the broker blocked by a memory or disk alarm?");
            }
            throwIfFailed();
        }

        void confirmed(int count) {
            slots.release(count);
        }

        void failed(int count, Throwable cause) {
            failure.compareAndSet(null, cause);
            slots.release(count);
        }

        void awaitAll() throws InterruptedException {
            if (!slots.tryAcquire(WINDOW, CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException((WINDOW - slots.availablePermits()) + " messages still awaited their confirm after "
                        + CONFIRM_TIMEOUT);
            }
            slots.release(WINDOW);
            throwIfFailed();
        }

        private void throwIfFailed() {
            Throwable cause = failure.get();
            if (cause != null) {
                throw new IllegalStateException("A publish was not confirmed: " + cause, cause);
            }
        }
    }

    /**
     * Baseline: one amqp-client channel in confirm mode, confirms tracked by sequence number in a
     * {@link com.rabbitmq.client.ConfirmListener}, as the RabbitMQ publisher-confirms tutorial does.
     */
    private static final class RawAmqpClient implements AutoCloseable {

        private static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build();

        private final String queue;
        private final byte[] body;
        private final Connection connection;
        private final Channel channel;
        private final NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();
        private volatile ConfirmWindow window = new ConfirmWindow();

        RawAmqpClient(RabbitBroker broker, String queue, byte[] body) throws Exception {
            this.queue = queue;
            this.body = body;
            this.connection = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-raw");
            this.channel = connection.createChannel();
            channel.confirmSelect();
            channel.addConfirmListener((tag, multiple) -> window.confirmed(settle(tag, multiple)),
                    (tag, multiple) -> window.failed(settle(tag, multiple),
                            new IllegalStateException("RabbitMQ nacked delivery tag " + tag + " (multiple=" + multiple + ")")));
        }

        void publish(int count) throws IOException, InterruptedException {
            // Each call starts after the previous one was fully confirmed, so no confirm can reach the new window.
            ConfirmWindow current = new ConfirmWindow();
            window = current;
            for (int i = 0; i < count; i++) {
                current.acquire();
                // Recorded before the publish: its confirm may arrive before basicPublish returns.
                outstanding.add(channel.getNextPublishSeqNo());
                channel.basicPublish(DEFAULT_EXCHANGE, queue, false, PROPERTIES, body);
            }
            current.awaitAll();
        }

        /** Runs on the connection's I/O thread; returns how many messages the confirm settles. */
        private int settle(long tag, boolean multiple) {
            if (!multiple) {
                return outstanding.remove(tag) ? 1 : 0;
            }
            int settled = 0;
            for (Iterator<Long> head = outstanding.headSet(tag, true).iterator(); head.hasNext();) {
                head.next();
                head.remove();
                settled++;
            }
            return settled;
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    /**
     * Baseline: {@code RabbitTemplate.convertAndSend} with correlated confirms, one
     * {@link CorrelationData} per message, on its own connection factory.
     */
    private static final class SpringRabbitTemplate implements AutoCloseable {

        private final String queue;
        private final Message message;
        private final ThreadPoolExecutor executor;
        private final CachingConnectionFactory factory;
        private final RabbitTemplate template;

        SpringRabbitTemplate(RabbitBroker broker, String queue, byte[] body) {
            this.queue = queue;
            // The factory returns or closes channels that still await confirms on this executor. Its own
            // default pool is shut down only when a Spring context closes, and its idle non-daemon threads
            // would keep exec:java waiting for a minute after the report. Like that default, the pool is a
            // cached one: its tasks block in waitForConfirms, so a bounded pool with caller-runs ran them
            // on the connection's I/O thread, which then could never read the confirms (a deadlock).
            this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    namedThreads("benchmark-spring-rabbit-"));
            this.factory = broker.connectionFactory();
            factory.setExecutor(executor);
            factory.setPublisherConfirmType(ConfirmType.CORRELATED);
            // A Message passes the converter untouched, so no encoding cost is measured here.
            this.message = MessageBuilder.withBody(body)
                    .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                    .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                    .build();
            this.template = new RabbitTemplate(factory);
        }

        void publish(int count) throws InterruptedException {
            ConfirmWindow window = new ConfirmWindow();
            for (int i = 0; i < count; i++) {
                window.acquire();
                CorrelationData correlation = new CorrelationData();
                correlation.getFuture().whenComplete((confirm, failure) -> {
                    if (failure != null) {
                        window.failed(1, failure);
                    } else if (!confirm.ack()) {
                        window.failed(1, new IllegalStateException("RabbitMQ nacked a message: " + confirm.reason()));
                    } else {
                        window.confirmed(1);
                    }
                });
                template.convertAndSend(DEFAULT_EXCHANGE, queue, message, correlation);
            }
            window.awaitAll();
        }

        @Override
        public void close() {
            template.destroy();
            factory.destroy();
            dev.warren.internal.Threads.shutdown(executor, java.time.Duration.ofSeconds(10));
        }
    }
}
