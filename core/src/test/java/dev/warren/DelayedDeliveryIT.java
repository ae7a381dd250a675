package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import dev.warren.publish.Delay;
import dev.warren.test.RabbitBroker;
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
}
