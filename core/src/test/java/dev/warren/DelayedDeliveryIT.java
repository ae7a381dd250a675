package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import dev.warren.publish.Delay;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishReceipt;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/** Messages sent with a delay arrive when they are due, in delay queues on the real broker. */
class DelayedDeliveryIT {

    record Reminder(int id, long dueAtMillis) {
    }

    static final class Reminders {
        final Map<Integer, Long> lateness = new ConcurrentHashMap<>();
        final List<Integer> order = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}")
        void remind(Reminder reminder) {
            lateness.put(reminder.id(), System.currentTimeMillis() - reminder.dueAtMillis());
            order.add(reminder.id());
        }
    }

    static final class Digest {
        final List<Integer> got = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${queue}.events", group = "digest")
        void on(Reminder reminder) {
            got.add(reminder.id());
        }
    }

    final String queue = RabbitBroker.uniqueName("it.delay");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void aShortDelayIsNotHeldBackByALongerOneSentBeforeIt() {
        Reminders reminders = new Reminders();
        WarrenEngine engine = broker.start(reminders);
        long now = System.currentTimeMillis();
        engine.warren().send(queue, new Reminder(1, now + 3_000), Delay.of(Duration.ofSeconds(3)));
        engine.warren().send(queue, new Reminder(2, now + 1_000), Delay.of(Duration.ofSeconds(1)));
        engine.warren().send(queue, new Reminder(3, now + 2_000), Delay.until(Instant.ofEpochMilli(now + 2_000)));

        await().atMost(Duration.ofSeconds(10)).until(() -> reminders.order.size() == 3);
        assertThat(reminders.order).containsExactly(2, 3, 1);
        // Never early (beyond the 100 ms resolution), and late by little.
        assertThat(reminders.lateness.values()).allSatisfy(late -> assertThat(late).isBetween(-100L, 2_000L));
    }

    @Test
    void randomDelaysArriveWithinTheirToleranceAndDelayedEventsReachTheirGroups() {
        Reminders reminders = new Reminders();
        Digest digest = new Digest();
        WarrenEngine engine = broker.start(reminders, digest);
        Random random = new Random(42);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long delay = random.nextInt(5_000);
            delays.add(delay);
            engine.warren().send(queue, new Reminder(i, System.currentTimeMillis() + delay), Delay.of(Duration.ofMillis(delay)));
        }
        engine.warren().publish(queue + ".events", new Reminder(7, 0), Delay.of(Duration.ofMillis(700)));

        await().atMost(Duration.ofSeconds(20)).until(() -> reminders.lateness.size() == 200 && digest.got.size() == 1);
        long worst = reminders.lateness.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long earliest = reminders.lateness.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        System.out.printf("DELAY 200 random delays 0-5 s: earliest %+d ms, latest %+d ms%n", earliest, worst);
        assertThat(earliest).isGreaterThanOrEqualTo(-100);
        // Typically about +100 ms on an idle 2-core machine; a busy one stretches each hop.
        assertThat(worst).isLessThan(2_500);
    }

    @Test
    void aMessageFallingDueReachesItsQueueWithoutThePublishersTtl() throws Exception {
        inVirtualHostOfItsOwn("it.delay-ttl", (factory, engine) -> {
            new RabbitAdmin(factory).declareQueue(new Queue("reminders.ttl"));
            // As it falls due, with the TTL another service gave it; it would expire the message where it is delivered.
            try (Connection connection = factory.getRabbitConnectionFactory().newConnection();
                    Channel channel = connection.createChannel()) {
                channel.confirmSelect();
                channel.basicPublish("", "warren.delay.due", new AMQP.BasicProperties.Builder().messageId("due-1")
                        .contentType("application/json").deliveryMode(2).expiration("600000")
                        .headers(Map.of("x-warren-delay-exchange", "", "x-warren-delay-routing-key", "reminders.ttl")).build(),
                        "{\"id\":1,\"dueAtMillis\":0}".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(5_000);
            }

            RabbitTemplate template = new RabbitTemplate(factory);
            Message[] delivered = new Message[1];
            await().atMost(Duration.ofSeconds(10)).until(() -> (delivered[0] = template.receive("reminders.ttl")) != null);
            assertThat(delivered[0].getMessageProperties().getMessageId()).isEqualTo("due-1");
            assertThat(delivered[0].getMessageProperties().getExpiration()).isNull();
        });
    }

    @Test
    void aDelayedSendToAMissingQueueFailsAtOnceAndOneDueForAQueueDeletedMeanwhileIsKeptWithItsReason() throws Exception {
        inVirtualHostOfItsOwn("it.delay-dlq", (factory, engine) -> {
            assertThatThrownBy(() -> engine.warren().send("no.such.queue", new Reminder(0, 0), Delay.of(Duration.ofSeconds(1))))
                    .isInstanceOfSatisfying(PublishException.class,
                            e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.UNROUTABLE));

            RabbitAdmin admin = new RabbitAdmin(factory);
            admin.declareQueue(new Queue("reminders.elsewhere"));
            PublishReceipt receipt = engine.warren().send("reminders.elsewhere", new Reminder(1, 0),
                    Delay.of(Duration.ofMillis(500)));
            admin.deleteQueue("reminders.elsewhere");

            RabbitTemplate template = new RabbitTemplate(factory);
            Message[] kept = new Message[1];
            await().atMost(Duration.ofSeconds(10)).until(() -> (kept[0] = template.receive("warren.delay.due.dlq")) != null);
            assertThat(kept[0].getMessageProperties().getMessageId()).isEqualTo(receipt.messageId());
            assertThat((String) kept[0].getMessageProperties().getHeader("x-exception-message"))
                    .contains("No queue named 'reminders.elsewhere'");
            assertThat(new String(kept[0].getBody(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"id\":1");
        });
    }

    /** A test body given a started engine on a connection factory of its own. */
    interface EngineTest {
        void run(CachingConnectionFactory factory, WarrenEngine engine) throws Exception;
    }

    /**
     * Runs a test in a virtual host of its own, deleted afterwards: the due queue and its dead-letter
     * queue are shared by every Warren application on a virtual host.
     */
    private static void inVirtualHostOfItsOwn(String name, EngineTest test) throws Exception {
        String virtualHost = RabbitBroker.uniqueName(name);
        RabbitManagement management = RabbitBroker.get().management();
        management.createVirtualHost(virtualHost);
        CachingConnectionFactory factory = RabbitBroker.get().connectionFactory();
        factory.setVirtualHost(virtualHost);
        try (WarrenEngine engine = WarrenEngine.builder(factory).build()) {
            engine.start();
            test.run(factory, engine);
        } finally {
            factory.destroy();
            management.deleteVirtualHost(virtualHost);
        }
    }
}
