package dev.warren.samples.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/** An instance dies with a reading and an order in hand; a second instance shows what survived. */
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

    final String metricsQueue = RabbitBroker.uniqueName("sample.metrics.reading");
    final String ordersQueue = RabbitBroker.uniqueName("sample.order.placed");
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory).workQueue(metricsQueue).workQueue(ordersQueue);
    final DyingWork dyingWork = new DyingWork();
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        dyingWork.release.countDown();
        for (ConfigurableApplicationContext instance : instances) {
            cleanup.queues(instance.getBean(WarrenEngine.class).topology().queues().stream().map(q -> q.name()).toList());
            instance.close();
        }
        cleanup.close();
        connectionFactory.destroy();
    }

    @Test
    void aCrashLosesTheReadingInHandAndRedeliversTheOrderInHand() {
        ConfigurableApplicationContext dying = start("a", dyingWork);
        Warren warren = dying.getBean(Warren.class);
        warren.send(metricsQueue, new MetricReading("slow-reading", "cpu", 0.93));
        warren.send(ordersQueue, new OrderPlaced("slow-order", 4999));
        await().atMost(Duration.ofSeconds(10)).until(() -> dyingWork.inHand.getCount() == 0);

        // The process dies: to the broker, its connection closes with both messages unfinished.
        dying.getBean(CachingConnectionFactory.class).resetConnection();

        ConfigurableApplicationContext survivor = start("b", null);
        survivor.getBean(Warren.class).send(metricsQueue, new MetricReading("after-crash", "cpu", 0.41));
        Work work = survivor.getBean(Work.class);
        ProcessedMessage redeliveredOrder = new ProcessedMessage("orders", "slow-order", true, "b");
        ProcessedMessage nextReading = new ProcessedMessage("metrics", "after-crash", false, "b");
        await().atMost(Duration.ofSeconds(20)).until(() -> work.processed().containsAll(List.of(redeliveredOrder, nextReading)));

        // At least once: the order came back, flagged as a redelivery, and was fulfilled once.
        // At most once: the reading was acknowledged before its handler ran, so nobody got it again.
        assertThat(work.processed()).containsExactlyInAnyOrder(redeliveredOrder, nextReading);
        assertThat(dyingWork.processed()).isEmpty();
        RabbitAdmin admin = new RabbitAdmin(connectionFactory);
        assertThat(admin.getQueueInfo(metricsQueue).getMessageCount()).isZero();
        assertThat(admin.getQueueInfo(metricsQueue + ".dlq").getMessageCount()).isZero();
        assertThat(admin.getQueueInfo(ordersQueue).getMessageCount()).isZero();
    }

    private ConfigurableApplicationContext start(String instance, DyingWork dyingWork) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(DeliveryGuaranteesApplication.class);
        if (dyingWork != null) {
            builder.initializers(context -> ((GenericApplicationContext) context)
                    .registerBean(DyingWork.class, () -> dyingWork, definition -> definition.setPrimary(true)));
        }
        ConfigurableApplicationContext context = builder.run(
                "--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(),
                "--metrics.queue=" + metricsQueue,
                "--orders.queue=" + ordersQueue,
                "--delivery.instance=" + instance,
                "--delivery.work-time=0s");
        instances.add(context);
        return context;
    }
}
