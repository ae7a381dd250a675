package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Delivery;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

/** What a connection lost in the middle of a handler costs, with each delivery guarantee. */
class DeliveryModeIT {

    record Reading(String id) {
    }

    /** Blocks on the message "slow" until released, as a handler that is still working when the connection dies. */
    abstract static class Blocking {
        final List<String> deliveries = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        void handle(Reading reading, MessageContext context) throws InterruptedException {
            deliveries.add(reading.id() + (context.redelivered() ? ":redelivered" : ""));
            if (reading.id().equals("slow") && entered.getCount() == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
        }
    }

    static final class AtLeastOnce extends Blocking {
        @Consumer(queue = "${queue}")
        void consume(Reading reading, MessageContext context) throws InterruptedException {
            handle(reading, context);
        }
    }

    static final class AtMostOnce extends Blocking {
        @Consumer(queue = "${queue}", delivery = Delivery.AT_MOST_ONCE)
        void consume(Reading reading, MessageContext context) throws InterruptedException {
            handle(reading, context);
            if (reading.id().equals("bad")) {
                throw new IllegalArgumentException("unreadable sensor value");
            }
        }
    }

    final String queue = RabbitBroker.uniqueName("it.delivery");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void atLeastOnceRedeliversAMessageWhoseConsumerLostItsConnectionMidHandler() throws Exception {
        broker.cleanup.workQueue(queue).queue(queue + ".retry.1s").queue(queue + ".retry.2s");
        AtLeastOnce handler = new AtLeastOnce();
        WarrenEngine engine = broker.start(handler);

        engine.warren().send(queue, new Reading("slow"));
        assertThat(handler.entered.await(10, TimeUnit.SECONDS)).isTrue();
        broker.connectionFactory.resetConnection();
        handler.release.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> handler.deliveries.contains("slow:redelivered"));
        assertThat(handler.deliveries).containsExactly("slow", "slow:redelivered");
    }

    @Test
    void atMostOnceLosesOnlyTheMessageInTheHandlerWhenTheConnectionDies() throws Exception {
        broker.cleanup.workQueue(queue);
        AtMostOnce handler = new AtMostOnce();
        WarrenEngine engine = broker.start(handler);

        engine.warren().send(queue, new Reading("slow"));
        assertThat(handler.entered.await(10, TimeUnit.SECONDS)).isTrue();
        broker.connectionFactory.resetConnection();
        handler.release.countDown();
        engine.warren().send(queue, new Reading("next"));

        await().atMost(Duration.ofSeconds(20)).until(() -> handler.deliveries.contains("next"));
        assertThat(handler.deliveries).containsExactly("slow", "next");
        assertThat(broker.drain(queue)).isEmpty();
        // At-most-once never retries, so it has no delay queues.
        assertThat(engine.topology().queues()).noneMatch(q -> q.name().contains(".retry."));
    }

    @Test
    void atMostOnceStillDeadLettersAMessageItsHandlerRejects() {
        broker.cleanup.workQueue(queue);
        AtMostOnce handler = new AtMostOnce();
        WarrenEngine engine = broker.start(handler);

        engine.warren().send(queue, new Reading("bad"));

        List<Message> dead = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            dead.addAll(broker.drain(queue + ".dlq"));
            return dead.size() == 1;
        });
        assertThat(dead.get(0).getMessageProperties().getHeaders()).containsEntry("x-warren-attempts", 1);
        assertThat(handler.deliveries).containsExactly("bad");
    }
}
