package dev.warren.samples.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/** An instance dies with a reading and an order in hand; a second instance shows what survived. */
@WarrenTest
class DeliveryGuaranteesIT {

    /** Work that hangs on the messages whose id starts with "slow", as a process about to die would. */
    static final class DyingWork extends Work {
        final CountDownLatch inHand = new CountDownLatch(2);
        final CountDownLatch release = new CountDownLatch(1);

        DyingWork() {
            super(new DeliveryProperties(Duration.ZERO, "dying"));
        }

        @Override
        public void process(String stream, String id, MessageContext context) throws InterruptedException {
            if (id.startsWith("slow")) {
                inHand.countDown();
                release.await(30, TimeUnit.SECONDS);
                // This instance is dead: the work is never finished.
                return;
            }
            super.process(stream, id, context);
        }
    }

    static final String METRICS_QUEUE = "metrics.reading";
    static final String ORDERS_QUEUE = "order.placed";

    final DyingWork dyingWork = new DyingWork();

    /** Lets the dying instance's handlers return, so that it closes after the test without waiting for them. */
    @AfterEach
    void release() {
        dyingWork.release.countDown();
    }

    @Test
    void aCrashLosesTheReadingInHandAndRedeliversTheOrderInHand(TestBroker broker) {
        ConfigurableApplicationContext dying = start(broker, "a", dyingWork);
        Warren warren = dying.getBean(Warren.class);
        warren.send(METRICS_QUEUE, new MetricReading("slow-reading", "cpu", 0.93));
        warren.send(ORDERS_QUEUE, new OrderPlaced("slow-order", 4999));
        await().atMost(Duration.ofSeconds(10)).until(() -> dyingWork.inHand.getCount() == 0);

        // The process dies: to the broker, its connection closes with both messages unfinished.
        dying.getBean(CachingConnectionFactory.class).resetConnection();

        ConfigurableApplicationContext survivor = start(broker, "b", null);
        survivor.getBean(Warren.class).send(METRICS_QUEUE, new MetricReading("after-crash", "cpu", 0.41));
        Work work = survivor.getBean(Work.class);
        ProcessedMessage redeliveredOrder = new ProcessedMessage("orders", "slow-order", true, "b");
        ProcessedMessage nextReading = new ProcessedMessage("metrics", "after-crash", false, "b");
        await().atMost(Duration.ofSeconds(20)).until(() -> work.processed().containsAll(List.of(redeliveredOrder, nextReading)));

        // At least once: the order came back, flagged as a redelivery, and was fulfilled once.
        // At most once: the reading was acknowledged before its handler ran, so nobody got it again.
        assertThat(work.processed()).containsExactlyInAnyOrder(redeliveredOrder, nextReading);
        assertThat(dyingWork.processed()).isEmpty();
        assertThat(broker.messageCount(METRICS_QUEUE)).isZero();
        assertThat(broker.messageCount(METRICS_QUEUE + ".dlq")).isZero();
        assertThat(broker.messageCount(ORDERS_QUEUE)).isZero();
    }

    private ConfigurableApplicationContext start(TestBroker broker, String instance, DyingWork dyingWork) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(DeliveryGuaranteesApplication.class)
                .initializers(broker.applicationInitializer());
        if (dyingWork != null) {
            builder.initializers(context -> ((GenericApplicationContext) context)
                    .registerBean(DyingWork.class, () -> dyingWork, definition -> definition.setPrimary(true)));
        }
        return builder.run("--server.port=0", "--delivery.instance=" + instance, "--delivery.work-time=0s");
    }
}
