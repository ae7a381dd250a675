package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.publish.PublishException;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.RabbitBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

class PublisherIT {

    record Ping(int n) {
    }

    final BrokerFixture broker = new BrokerFixture(Map.of());
    final WarrenEngine engine = broker.engine().build();

    @AfterEach
    void close() {
        engine.close();
        broker.close();
    }

    @Test
    void sendToAMissingQueueIsAnErrorTheCallerSees() {
        String missing = RabbitBroker.uniqueName("it.no.such.queue");

        assertThatThrownBy(() -> engine.warren().send(missing, new Ping(1)))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PublishException.Reason.UNROUTABLE);
                    assertThat(e.getMessage()).contains("No queue named '" + missing + "'");
                });
        CompletableFuture<PublishReceipt> async = engine.warren().sendAsync(missing, new Ping(2));
        assertThatThrownBy(async::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PublishException.class);
    }

    @Test
    void brokerNackIsAnErrorTheCallerSees() {
        // A queue that refuses new messages once it holds one: the broker nacks the second publish.
        String full = RabbitBroker.uniqueName("it.full");
        broker.cleanup.queue(full);
        Queue queue = QueueBuilder.nonDurable(full).maxLength(1).overflow(QueueBuilder.Overflow.rejectPublish).build();
        new RabbitAdmin(broker.connectionFactory).declareQueue(queue);

        engine.warren().send(full, new Ping(1));
        assertThatThrownBy(() -> engine.warren().send(full, new Ping(2)))
                .isInstanceOfSatisfying(PublishException.class,
                        e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.NACKED));
    }

    @Test
    void returnsAreMatchedToTheirOwnMessagesWhenRoutedAndUnroutedInterleave() throws Exception {
        String target = RabbitBroker.uniqueName("it.routed");
        String missing = RabbitBroker.uniqueName("it.missing");
        broker.cleanup.queue(target);
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.nonDurable(target).build());

        List<CompletableFuture<PublishReceipt>> routed = new ArrayList<>();
        List<CompletableFuture<PublishReceipt>> unrouted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            routed.add(engine.warren().sendAsync(target, new Ping(i)));
            unrouted.add(engine.warren().sendAsync(missing, new Ping(i)));
        }

        for (CompletableFuture<PublishReceipt> future : routed) {
            assertThat(future.get().routed()).isTrue();
        }
        for (CompletableFuture<PublishReceipt> future : unrouted) {
            assertThatThrownBy(future::get).hasCauseInstanceOf(PublishException.class);
        }
        assertThat(new RabbitAdmin(broker.connectionFactory).getQueueInfo(target).getMessageCount()).isEqualTo(200);
    }

    @Test
    void returnsAreMatchedToTheirOwnMessagesWhenMessagesShareAnId() throws Exception {
        // Producers that make sends idempotent by message id reuse one id for copies to several queues.
        String target = RabbitBroker.uniqueName("it.routed");
        String missing = RabbitBroker.uniqueName("it.missing");
        broker.cleanup.queue(target);
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.nonDurable(target).build());
        PublishOptions sameId = PublishOptions.builder().messageId("order-42").build();
        // One channel, so that the routed and the unroutable messages share one stream of confirms and returns.
        WarrenEngine oneChannel = broker.build(broker.engine()
                .publisherSettings(new PublisherSettings(PublisherSettings.DEFAULT_CONFIRM_TIMEOUT, 1, 1_000)));

        List<CompletableFuture<PublishReceipt>> routed = new ArrayList<>();
        List<CompletableFuture<PublishReceipt>> unrouted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            routed.add(oneChannel.warren().sendAsync(target, new Ping(i), sameId));
            unrouted.add(oneChannel.warren().sendAsync(missing, new Ping(i), sameId));
        }

        for (CompletableFuture<PublishReceipt> future : routed) {
            assertThat(future.get().routed()).isTrue();
        }
        for (CompletableFuture<PublishReceipt> future : unrouted) {
            assertThatThrownBy(future::get).cause().isInstanceOfSatisfying(PublishException.class,
                    e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.UNROUTABLE));
        }
        assertThat(new RabbitAdmin(broker.connectionFactory).getQueueInfo(target).getMessageCount()).isEqualTo(200);
    }

    @Test
    void manyAsyncSendsAreAllConfirmed() throws Exception {
        String target = RabbitBroker.uniqueName("it.many");
        broker.cleanup.queue(target);
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.nonDurable(target).build());

        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            futures.add(engine.warren().sendAsync(target, new Ping(i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();

        assertThat(futures).allSatisfy(f -> assertThat(f.get().routed()).isTrue());
        assertThat(new RabbitAdmin(broker.connectionFactory).getQueueInfo(target).getMessageCount()).isEqualTo(2_000);
    }
}
