package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.FailureGroup;
import dev.warren.deadletter.OperationResult;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.failure.PermanentFailureException;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** Inspecting, grouping, replaying and discarding dead letters on the real broker. */
class DeadLetterOperationsIT {

    record Order(String id, String kind) {
    }

    static final class Orders {
        volatile boolean fixed;
        final Set<String> processed = ConcurrentHashMap.newKeySet();
        final Map<String, Object> replayHeaders = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 1), prefetch = 50)
        void handle(Order order, MessageContext context) {
            calls.incrementAndGet();
            if (!fixed) {
                if (order.kind().equals("stock")) {
                    throw new IllegalStateException("no stock for " + order.id());
                }
                throw new PermanentFailureException("order " + order.id() + " has no lines");
            }
            processed.add(order.id());
            Object replays = context.headers().get(DeadLetters.REPLAYS_HEADER);
            if (replays != null) {
                replayHeaders.put(order.id(), replays);
            }
            assertThat(context.attempt()).isEqualTo(1);
        }
    }

    final String queue = RabbitBroker.uniqueName("it.dlq.ops");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final RabbitAdmin admin = new RabbitAdmin(broker.connectionFactory);
    final Orders orders = new Orders();
    WarrenEngine engine;

    @AfterEach
    void close() {
        broker.close();
    }

    private DeadLetters deadLetterOrders(int count, String kind) {
        engine = broker.start(orders);
        List<CompletableFuture<?>> sends = IntStream.range(0, count).<CompletableFuture<?>>mapToObj(i -> engine.warren()
                .sendAsync(queue, new Order(kind + "-" + i, kind), PublishOptions.builder().messageId(kind + "-" + i).build()))
                .toList();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> depth(queue + ".dlq") == count);
        return engine.deadLetters();
    }

    private long depth(String name) {
        var info = admin.getQueueInfo(name);
        return info == null ? -1 : info.getMessageCount();
    }

    /**
     * More dead letters than one call looks at: the first call ends with copies still awaiting their
     * confirm. Each dead letter is moved exactly once; none comes back to the dead-letter queue
     * after its copy was made.
     */
    @Test
    void aReplayOfMoreThanOneCallsWorthMovesEachDeadLetterExactlyOnce() throws Exception {
        engine = broker.build(broker.engine(orders));
        engine.declareTopology();
        // Two calls' worth and some, each letter the size of a real one (a body, a stack trace), so
        // that each call ends with copies still awaiting their confirm.
        int count = 2 * DeadLetters.MAX_MESSAGES + 500;
        String stackTrace = "java.lang.IllegalStateException: no stock\n" + "\tat com.example.Stock.reserve(Stock.java:42)\n".repeat(20);
        String padding = "x".repeat(1_000);
        try (Connection connection = broker.connectionFactory.getRabbitConnectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (int i = 0; i < count; i++) {
                channel.basicPublish("", queue + ".dlq", new AMQP.BasicProperties.Builder()
                        .messageId("bulk-" + i).contentType("application/json").deliveryMode(2)
                        .headers(Map.of("x-original-queue", queue, "x-exception-message", "no stock for bulk-" + i,
                                "x-exception-stacktrace", stackTrace, "x-warren-failure-class", "transient"))
                        .build(), ("{\"id\":\"bulk-" + i + "\",\"kind\":\"stock\",\"note\":\"" + padding + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> depth(queue + ".dlq") == count);

        int moved = 0;
        for (int call = 0; call < 5 && depth(queue + ".dlq") > 0; call++) {
            moved += engine.deadLetters().replay(queue, Selection.all(), ReplayOptions.defaults()).moved();
        }

        assertThat(moved).isEqualTo(count);
        // Dead letters a call put back reach the queue's depth a moment after it returns: the counts
        // must hold still, at exactly one copy each, and the dead-letter queue stay empty.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> depth(queue) == count && depth(queue + ".dlq") == 0);
    }

    /** Puts dead letters straight into the dead-letter queue, as a broker or another producer could, in order. */
    private void putDeadLetters(int count, String idPrefix, String originalQueue) throws Exception {
        try (Connection connection = broker.connectionFactory.getRabbitConnectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (int i = 0; i < count; i++) {
                channel.basicPublish("", queue + ".dlq", new AMQP.BasicProperties.Builder()
                        .contentType("application/json").messageId(idPrefix + i).deliveryMode(2)
                        .headers(Map.of("x-original-queue", originalQueue, "x-exception-message", "no lines")).build(),
                        ("{\"id\":\"" + idPrefix + i + "\",\"kind\":\"empty\"}").getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        }
    }

    @Test
    void peekShowsWhyWithoutChangingTheQueue() {
        DeadLetters deadLetters = deadLetterOrders(5, "empty");

        List<DeadLetter> first = deadLetters.peek(queue, 3);
        List<DeadLetter> again = deadLetters.peek(queue, 3);

        // Peeking twice shows the same messages in the same order: nothing was consumed or reordered.
        assertThat(first).hasSize(3);
        assertThat(again).extracting(DeadLetter::messageId)
                .containsExactlyElementsOf(first.stream().map(DeadLetter::messageId).toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(queue + ".dlq") == 5);
        DeadLetter letter = first.get(0);
        assertThat(letter.reason()).contains("order " + letter.messageId() + " has no lines");
        assertThat(letter.exceptionType()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(letter.failureClass()).isEqualTo("permanent");
        assertThat(letter.originalQueue()).isEqualTo(queue);
        assertThat(letter.failedAt()).isNotNull();
        assertThat(letter.bodyText()).contains("\"id\":\"" + letter.messageId() + "\"");

        List<DeadLetterQueue> queues = deadLetters.queues();
        assertThat(queues).singleElement().satisfies(dlq -> {
            assertThat(dlq.deadLetterQueue()).isEqualTo(queue + ".dlq");
            assertThat(dlq.depth()).isEqualTo(5);
            assertThat(dlq.oldestAge()).isNotNull();
        });
    }

    @Test
    void failuresAreGroupedByCause() {
        deadLetterOrders(4, "empty");
        for (int i = 0; i < 2; i++) {
            engine.warren().send(queue, new Order("stock-" + i, "stock"), PublishOptions.builder().messageId("stock-" + i).build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue + ".dlq") == 6);

        List<FailureGroup> groups = engine.deadLetters().groups(queue);

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).count()).isEqualTo(4);
        assertThat(groups.get(0).exceptionType()).endsWith("PermanentFailureException");
        assertThat(groups.get(1).count()).isEqualTo(2);
        assertThat(groups.get(1).exceptionType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(groups.get(1).firstSeen()).isNotNull();
        // Every operation works on a group.
        OperationResult dryRun = engine.deadLetters().replay(queue, Selection.fingerprint(groups.get(1).fingerprint()),
                new ReplayOptions(true, null, 0));
        assertThat(dryRun.matched()).isEqualTo(2);
        assertThat(dryRun.moved()).isZero();
        assertThat(dryRun.messageIds()).allMatch(id -> id.startsWith("stock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(queue + ".dlq") == 6);
    }

    @Test
    void replayingOneAndThenAHundredPutsThemBackAndTheyAreProcessed() {
        DeadLetters deadLetters = deadLetterOrders(101, "empty");
        orders.fixed = true;

        OperationResult one = deadLetters.replay(queue, Selection.messageId("empty-7"), ReplayOptions.defaults());
        assertThat(one.moved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.contains("empty-7"));
        assertThat(orders.replayHeaders).containsEntry("empty-7", 1);

        OperationResult rest = deadLetters.replay(queue, Selection.all(), ReplayOptions.defaults());
        assertThat(rest.moved()).isEqualTo(100);
        await().atMost(Duration.ofSeconds(20)).until(() -> orders.processed.size() == 101);
        assertThat(depth(queue + ".dlq")).isZero();
    }

    @Test
    void aReplayInterruptedByClosingItsConnectionLosesNothing() {
        DeadLetters deadLetters = deadLetterOrders(100, "empty");
        orders.fixed = true;

        CompletableFuture<OperationResult> replay = CompletableFuture.supplyAsync(
                () -> deadLetters.replay(queue, Selection.all(), new ReplayOptions(false, null, 50)));
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.size() >= 10);
        broker.connectionFactory.resetConnection();
        assertThatThrownBy(replay::join).hasCauseInstanceOf(WarrenException.class);

        // Whatever was not replayed is back in the dead-letter queue; at worst a message is in both places.
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue + ".dlq") + orders.processed.size() >= 100);
        Set<String> everywhere = new HashSet<>(orders.processed);
        deadLetters.peek(queue, 100).forEach(letter -> everywhere.add(letter.messageId()));
        assertThat(everywhere).hasSize(100);
    }

    @Test
    void replayCanRedirectToAnotherQueue() {
        DeadLetters deadLetters = deadLetterOrders(3, "empty");
        String fixedQueue = RabbitBroker.uniqueName("it.dlq.fixed");
        broker.cleanup.queue(fixedQueue);
        admin.declareQueue(new org.springframework.amqp.core.Queue(fixedQueue, false));

        OperationResult result = deadLetters.replay(queue, Selection.all(), new ReplayOptions(false, fixedQueue, 0));

        assertThat(result.moved()).isEqualTo(3);
        assertThat(result.destination()).isEqualTo(fixedQueue);
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(fixedQueue) == 3);
        Message moved = broker.template.receive(fixedQueue);
        assertThat(moved.getMessageProperties().getHeaders()).containsEntry(DeadLetters.REPLAYS_HEADER, 1)
                .doesNotContainKeys("x-exception-message", "x-warren-attempts");
    }

    @Test
    void aReplayedCopyDropsThePublishersTtl() throws Exception {
        DeadLetters deadLetters = deadLetterOrders(0, "empty");
        String fixedQueue = RabbitBroker.uniqueName("it.dlq.fixed");
        broker.cleanup.queue(fixedQueue);
        admin.declareQueue(new org.springframework.amqp.core.Queue(fixedQueue, false));
        // A dead letter that still carries a TTL, as the broker's own dead-lettering or an older Warren left it.
        try (Connection connection = broker.connectionFactory.getRabbitConnectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", queue + ".dlq", new AMQP.BasicProperties.Builder()
                    .contentType("application/json").messageId("ttl-1").deliveryMode(2).expiration("600000")
                    .headers(Map.of("x-original-queue", queue)).build(),
                    "{\"id\":\"ttl-1\",\"kind\":\"empty\"}".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }

        OperationResult result = deadLetters.replay(queue, Selection.all(), new ReplayOptions(false, fixedQueue, 0));

        assertThat(result.moved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(fixedQueue) == 1);
        Message moved = broker.template.receive(fixedQueue);
        assertThat(moved.getMessageProperties().getMessageId()).isEqualTo("ttl-1");
        assertThat(moved.getMessageProperties().getExpiration()).isNull();
    }

    @Test
    void replayingIntoAHandlerThatStillFailsMovesEachDeadLetterOnce() {
        DeadLetters deadLetters = deadLetterOrders(2, "empty");
        int before = orders.calls.get();

        // The handler fails at once, so each copy is back in the dead-letter queue while the pass still reads it.
        OperationResult result = deadLetters.replay(queue, Selection.all(), new ReplayOptions(false, null, 0));

        assertThat(result.moved()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.calls.get() == before + 2 && depth(queue + ".dlq") == 2);
        assertThat(deadLetters.peek(queue, 5)).hasSize(2).allSatisfy(letter -> assertThat(letter.replays()).isEqualTo(1));
        assertThat(orders.calls.get()).isEqualTo(before + 2);
    }

    @Test
    void replayLeavesADeadLetterWhoseForgedOriginalQueueIsOutsideTheTopology() throws Exception {
        DeadLetters deadLetters = deadLetterOrders(0, "empty");
        orders.fixed = true;
        String foreign = RabbitBroker.uniqueName("it.dlq.foreign");
        broker.cleanup.queue(foreign);
        admin.declareQueue(new org.springframework.amqp.core.Queue(foreign, false));
        // A producer can write x-original-queue itself, and the broker keeps it when it dead-letters the message.
        putDeadLetters(1, "forged-", foreign);
        putDeadLetters(1, "own-", queue);

        OperationResult result = deadLetters.replay(queue, Selection.all(), ReplayOptions.defaults());

        assertThat(result.moved()).isEqualTo(1);
        assertThat(result.refused()).isEqualTo(1);
        assertThat(result.matched()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.contains("own-0"));
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(queue + ".dlq") == 1);
        assertThat(depth(foreign)).isZero();
        assertThat(deadLetters.peek(queue, 5)).singleElement().satisfies(letter -> {
            assertThat(letter.messageId()).isEqualTo("forged-0");
            assertThat(letter.replays()).isZero();
        });
        // Named explicitly, the operator's target is taken as given.
        OperationResult redirected = deadLetters.replay(queue, Selection.all(), new ReplayOptions(false, foreign, 0));
        assertThat(redirected.moved()).isEqualTo(1);
        assertThat(redirected.refused()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(foreign) == 1 && depth(queue + ".dlq") == 0);
    }

    @Test
    void aPassSeesTheWholeQueueBeyondItsPrefetchSoTheLastOfTwelveHundredIsGroupedAndReplayed() throws Exception {
        DeadLetters deadLetters = deadLetterOrders(0, "empty");
        orders.fixed = true;
        putDeadLetters(1_199, "deep-", queue);
        putDeadLetters(1, "last-", queue);
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue + ".dlq") == 1_200);

        assertThat(deadLetters.groups(queue)).singleElement().satisfies(group -> assertThat(group.count()).isEqualTo(1_200));
        OperationResult result = deadLetters.replay(queue, Selection.messageId("last-0"), ReplayOptions.defaults());

        assertThat(result.examined()).isEqualTo(1_200);
        assertThat(result.messageIds()).containsExactly("last-0");
        assertThat(result.moved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.contains("last-0"));
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(queue + ".dlq") == 1_199);
        assertThat(orders.processed).containsExactly("last-0");
    }

    @Test
    void pagesOfAHundredOverTwoHundredFiftyLettersReturnEachLetterOnceInOrder() throws Exception {
        DeadLetters deadLetters = deadLetterOrders(0, "empty");
        putDeadLetters(250, "page-", queue);
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue + ".dlq") == 250);

        List<List<String>> pages = IntStream.of(0, 100, 200).mapToObj(offset -> deadLetters.peek(queue, offset, 100).stream()
                .map(DeadLetter::messageId).toList()).toList();

        assertThat(pages.get(0)).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "page-" + i).toList());
        assertThat(pages.get(1)).containsExactlyElementsOf(IntStream.range(100, 200).mapToObj(i -> "page-" + i).toList());
        assertThat(pages.get(2)).containsExactlyElementsOf(IntStream.range(200, 250).mapToObj(i -> "page-" + i).toList());
        assertThat(deadLetters.peek(queue, 300, 100)).isEmpty();
        assertThat(deadLetters.peek(queue, 120, 1)).singleElement().satisfies(letter -> assertThat(letter.bodyText())
                .contains("\"id\":\"page-120\""));
        assertThatThrownBy(() -> deadLetters.peek(queue, DeadLetters.MAX_MESSAGES, 1))
                .hasMessageContaining("offset + limit must be at most " + DeadLetters.MAX_MESSAGES);
        assertThat(depth(queue + ".dlq")).as("peeking leaves them").isEqualTo(250);
        // Reading a page puts every letter back in order: a quorum queue puts a message returned before at the tail.
        assertThat(deadLetters.peek(queue, 0, 100)).extracting(DeadLetter::messageId).first().isEqualTo("page-0");
        assertThat(deadLetters.peek(queue, 0, 3)).extracting(DeadLetter::messageId).containsExactly("page-0", "page-1", "page-2");
    }

    @Test
    void discardKeepsTheMessageWithItsReasonInTheAuditQueue() {
        DeadLetters deadLetters = deadLetterOrders(3, "empty");

        assertThatThrownBy(() -> deadLetters.discard(queue, Selection.all(), " ", "alice"))
                .hasMessageContaining("needs a reason");
        OperationResult result = deadLetters.discard(queue, Selection.messageId("empty-1"), "test order, never real", "alice");

        assertThat(result.moved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> depth(queue + ".dlq") == 2);
        Message discarded = null;
        for (Message m = broker.template.receive(DeadLetters.DISCARDED_QUEUE, 2_000); m != null;
                m = broker.template.receive(DeadLetters.DISCARDED_QUEUE, 1_000)) {
            if ("empty-1".equals(m.getMessageProperties().getMessageId())) {
                discarded = m;
                break;
            }
        }
        assertThat(discarded).isNotNull();
        assertThat(discarded.getMessageProperties().getHeaders())
                .containsEntry(DeadLetters.DISCARD_REASON_HEADER, "test order, never real")
                .containsEntry(DeadLetters.DISCARDED_BY_HEADER, "alice");
        assertThat(new String(discarded.getBody(), StandardCharsets.UTF_8)).contains("\"id\":\"empty-1\"");
    }
}
