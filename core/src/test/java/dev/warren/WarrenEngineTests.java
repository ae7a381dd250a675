package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.annotation.Subscribe;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/** The engine before it touches the broker: building, registering and the derived topology. */
class WarrenEngineTests {

    record VideoJob(String id) {
    }

    record OrderPlaced(String orderId) {
    }

    static class VideoWorker {
        @Consumer(queue = "video.process")
        void process(VideoJob job) {
        }
    }

    static class OtherVideoWorker {
        @Consumer(queue = "video.process")
        void handle(VideoJob job) {
        }
    }

    static class EmailSender {
        @Subscribe(topic = "order.placed", group = "email", queueType = QueueType.CLASSIC)
        void confirm(OrderPlaced event, MessageContext context) {
        }
    }

    static class Billing {
        @Subscribe(topic = "order.placed", group = "billing")
        void bill(OrderPlaced event) {
        }
    }

    static class TopicGroupClash {
        @Consumer(queue = "order.placed.email")
        void process(OrderPlaced event) {
        }
    }

    static class NotAHandler {
        void process(VideoJob job) {
        }
    }

    private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1");
    private final AtomicInteger connectionsOpened = new AtomicInteger();

    {
        connectionFactory.addConnectionListener(new ConnectionListener() {
            @Override
            public void onCreate(Connection connection) {
                connectionsOpened.incrementAndGet();
            }
        });
    }

    @AfterEach
    void destroyConnectionFactory() {
        connectionFactory.destroy();
    }

    @Test
    void buildsRegistersAndClosesWithoutConnecting() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory)
                .handlers(new VideoWorker(), new EmailSender())
                .build()) {
            assertThat(engine.isRunning()).isFalse();
            assertThat(engine.warren()).isNotNull();
            assertThat(engine.topology().queues()).isNotEmpty();
            assertThat(engine.register(new Billing(), Billing.class)).containsExactly("order.placed.billing");
        }

        assertThat(connectionsOpened).hasValue(0);
    }

    @Test
    void topologyHasQueuesDlqsExchangesAndBindingsOfEveryHandler() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory)
                .handlers(new VideoWorker(), new EmailSender(), new Billing())
                .build()) {
            Topology topology = engine.topology();

            assertThat(topology.exchanges()).containsExactlyInAnyOrder(
                    new ExchangeSpec("warren.dlx", "direct"), ExchangeSpec.topic("order.placed"));
            assertThat(topology.queues()).extracting(QueueSpec::name).containsExactlyInAnyOrder(
                    "video.process", "video.process.dlq", "video.process.retry.1s", "video.process.retry.2s",
                    "order.placed.email", "order.placed.email.dlq", "order.placed.email.retry.1s", "order.placed.email.retry.2s",
                    "order.placed.billing", "order.placed.billing.dlq", "order.placed.billing.retry.1s",
                    "order.placed.billing.retry.2s");
            assertThat(topology.queue("video.process").type()).isEqualTo(QueueType.QUORUM);
            assertThat(topology.queue("order.placed.email").type()).isEqualTo(QueueType.CLASSIC);
            assertThat(topology.queue("order.placed.email.dlq").type()).isEqualTo(QueueType.CLASSIC);
            assertThat(topology.queue("order.placed.billing").arguments())
                    .containsEntry("x-dead-letter-exchange", "warren.dlx")
                    .containsEntry("x-dead-letter-routing-key", "order.placed.billing");
            assertThat(topology.bindings()).containsExactlyInAnyOrder(
                    new BindingSpec("warren.dlx", "video.process.dlq", "video.process"),
                    new BindingSpec("order.placed", "order.placed.email", "#"),
                    new BindingSpec("warren.dlx", "order.placed.email.dlq", "order.placed.email"),
                    new BindingSpec("order.placed", "order.placed.billing", "#"),
                    new BindingSpec("warren.dlx", "order.placed.billing.dlq", "order.placed.billing"));
        }
        assertThat(connectionsOpened).hasValue(0);
    }

    @Test
    void consumerDefaultsAndNameResolverApplyToTheTopology() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory)
                .handlers(new VideoWorker())
                .consumerDefaults(new ConsumerSettings(1, 10, QueueType.CLASSIC))
                .nameResolver(name -> "prod." + name)
                .build()) {
            assertThat(engine.topology().queues()).extracting(QueueSpec::name)
                    .containsExactlyInAnyOrder("prod.video.process", "prod.video.process.dlq", "prod.video.process.retry.1s",
                            "prod.video.process.retry.2s");
            assertThat(engine.topology().queue("prod.video.process").type()).isEqualTo(QueueType.CLASSIC);
        }
    }

    @Test
    void consumerCustomizerDecidesTheQueueType() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory)
                .handlers(new VideoWorker())
                .consumerCustomizer((name, settings) -> new ConsumerSettings(1, 1, QueueType.CLASSIC))
                .build()) {
            assertThat(engine.topology().queue("video.process").arguments()).containsEntry("x-queue-type", "classic");
        }
    }

    @Test
    void aFailedBuildLeavesNoPublisherThreadBehind() {
        long before = publisherThreads();

        assertThatThrownBy(() -> WarrenEngine.builder(connectionFactory).handlers(new VideoWorker(), new OtherVideoWorker()).build())
                .isInstanceOf(WarrenException.class);

        assertThat(publisherThreads()).isEqualTo(before);
    }

    private static long publisherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("warren-publisher-confirms")).count();
    }

    @Test
    void twoHandlersOnTheSameQueueAreRejectedNamingBoth() {
        WarrenEngine.Builder builder = WarrenEngine.builder(connectionFactory)
                .handlers(new VideoWorker(), new OtherVideoWorker());

        assertThatThrownBy(builder::build)
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("Queue 'video.process' has two handlers")
                .hasMessageContaining("VideoWorker.process")
                .hasMessageContaining("OtherVideoWorker.handle");
        assertThat(connectionsOpened).hasValue(0);
    }

    @Test
    void consumerQueueClashingWithASubscriptionQueueIsRejectedNamingBoth() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new EmailSender()).build()) {
            assertThatThrownBy(() -> engine.register(new TopicGroupClash(), TopicGroupClash.class))
                    .isInstanceOf(WarrenException.class)
                    .hasMessageContaining("Queue 'order.placed.email' has two handlers")
                    .hasMessageContaining("EmailSender.confirm")
                    .hasMessageContaining("TopicGroupClash.process");
            assertThat(engine.topology().queues()).extracting(QueueSpec::name)
                    .containsExactlyInAnyOrder("order.placed.email", "order.placed.email.dlq", "order.placed.email.retry.1s",
                            "order.placed.email.retry.2s");
        }
    }

    @Test
    void rejectedRegistrationLeavesTheEngineAsItWas() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new VideoWorker()).build()) {
            Topology before = engine.topology();

            assertThatThrownBy(() -> engine.register(new OtherVideoWorker(), OtherVideoWorker.class))
                    .isInstanceOf(WarrenException.class);

            assertThat(engine.topology()).isEqualTo(before);
            assertThat(engine.register(new Billing(), Billing.class)).containsExactly("order.placed.billing");
        }
    }

    @Test
    void invalidHandlerSignatureFailsTheBuild() {
        class Invalid {
            @Consumer(queue = "q")
            void process(Object payload) {
            }
        }
        WarrenEngine.Builder builder = WarrenEngine.builder(connectionFactory).handlers(new Invalid());

        assertThatThrownBy(builder::build)
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("Invalid.process")
                .hasMessageContaining("takes its payload as Object");
    }

    @Test
    void classWithoutHandlersRegistersNothing() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).build()) {
            assertThat(engine.register(new NotAHandler(), NotAHandler.class)).isEmpty();
            assertThat(engine.topology()).isEqualTo(new Topology(List.of(), List.of(), List.of()));
        }
    }

    @Test
    void aShutdownTimeoutOfZeroIsRejectedWithTheFix() {
        assertThatThrownBy(() -> WarrenEngine.builder(connectionFactory).shutdownTimeout(java.time.Duration.ZERO))
                .isInstanceOf(WarrenException.class)
                .hasMessage("shutdownTimeout must be above 0 but was PT0S; make it longer than the slowest handler takes, "
                        + "e.g. PT30S");
    }
}
