package dev.warren.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTests {

    @Test
    void workQueueDeadLettersThroughWarrenDlxToItsOwnName() {
        QueueSpec queue = QueueSpec.workQueue("video.process", QueueType.QUORUM);

        assertThat(queue.name()).isEqualTo("video.process");
        assertThat(queue.type()).isEqualTo(QueueType.QUORUM);
        assertThat(queue.arguments()).containsOnly(
                entry("x-queue-type", "quorum"),
                entry("x-dead-letter-exchange", "warren.dlx"),
                entry("x-dead-letter-routing-key", "video.process"),
                entry("x-delivery-limit", 20),
                entry("x-dead-letter-strategy", "at-least-once"),
                entry("x-overflow", "reject-publish"));
    }

    @Test
    void classicWorkQueueKeepsTheBrokersOverflowAndDeadLettering() {
        // Classic queues dead-letter at most once whatever they are told; reject-publish would only refuse publishes.
        assertThat(QueueSpec.workQueue("q", QueueType.CLASSIC).arguments())
                .doesNotContainKeys("x-dead-letter-strategy", "x-overflow");
    }

    @Test
    void quorumWorkQueueRefusesAnOverflowThatWouldTurnAtLeastOnceDeadLetteringOff() {
        assertThatThrownBy(() -> QueueSpec.workQueue("q", QueueType.QUORUM, 20, Map.of("x-max-length", 10, "x-overflow",
                "drop-head")))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("queue q argument x-overflow 'drop-head'")
                .hasMessageContaining("reject-publish");
        assertThatThrownBy(() -> QueueSpec.workQueue("q", QueueType.QUORUM, 20, Map.of("x-dead-letter-strategy",
                "at-most-once")))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("x-dead-letter-strategy is managed by Warren");
        assertThat(QueueSpec.workQueue("q", QueueType.QUORUM, 20, Map.of("x-max-length", 10, "x-overflow",
                "reject-publish")).arguments()).containsEntry("x-overflow", "reject-publish").containsEntry("x-max-length", 10);
    }

    @Test
    void classicWorkQueueDeclaresClassicType() {
        assertThat(QueueSpec.workQueue("q", QueueType.CLASSIC).arguments()).containsEntry("x-queue-type", "classic");
    }

    @Test
    void deadLetterQueueIsNamedDlqAndDoesNotDeadLetterItself() {
        QueueSpec dlq = QueueSpec.deadLetterQueue("video.process", QueueType.CLASSIC);

        assertThat(QueueSpec.deadLetterQueueName("video.process")).isEqualTo("video.process.dlq");
        assertThat(dlq.name()).isEqualTo("video.process.dlq");
        assertThat(dlq.arguments()).containsOnly(entry("x-queue-type", "classic"));
    }

    @Test
    void queueSpecCopiesItsArguments() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("x-queue-type", "quorum");
        QueueSpec spec = new QueueSpec("q", QueueType.QUORUM, arguments);

        arguments.put("x-max-length", 10);

        assertThat(spec.arguments()).containsOnlyKeys("x-queue-type");
        assertThatThrownBy(() -> spec.arguments().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void queueSpecRejectsDefaultType() {
        assertThatThrownBy(() -> QueueSpec.workQueue("q", QueueType.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue q needs a concrete type");
    }

    @Test
    void workQueueTopologyHasQueueDlqDlxAndDlqBinding() {
        Topology topology = Topology.builder().workQueue("video.process", QueueType.QUORUM).build();

        assertThat(topology.exchanges()).containsExactly(new ExchangeSpec("warren.dlx", "direct"));
        assertThat(topology.queues()).extracting(QueueSpec::name).containsExactly("video.process", "video.process.dlq");
        assertThat(topology.queues()).extracting(QueueSpec::type).containsOnly(QueueType.QUORUM);
        assertThat(topology.bindings()).containsExactly(new BindingSpec("warren.dlx", "video.process.dlq", "video.process"));
        assertThat(topology.queue("video.process")).isEqualTo(QueueSpec.workQueue("video.process", QueueType.QUORUM));
        assertThat(topology.queue("nope")).isNull();
    }

    @Test
    void subscriptionBindsGroupQueueToTopicExchangeWithHash() {
        Topology topology = Topology.builder().subscription("order.placed", "email", QueueType.CLASSIC).build();

        assertThat(Topology.subscriptionQueueName("order.placed", "email")).isEqualTo("order.placed.email");
        assertThat(topology.exchanges()).containsExactlyInAnyOrder(
                new ExchangeSpec("warren.dlx", "direct"), ExchangeSpec.topic("order.placed"));
        assertThat(ExchangeSpec.topic("order.placed").type()).isEqualTo("topic");
        assertThat(topology.queues()).extracting(QueueSpec::name)
                .containsExactlyInAnyOrder("order.placed.email", "order.placed.email.dlq");
        assertThat(topology.queue("order.placed.email").arguments())
                .containsEntry("x-queue-type", "classic")
                .containsEntry("x-dead-letter-exchange", Topology.DEAD_LETTER_EXCHANGE)
                .containsEntry("x-dead-letter-routing-key", "order.placed.email");
        assertThat(topology.bindings()).containsExactlyInAnyOrder(
                new BindingSpec("order.placed", "order.placed.email", "#"),
                new BindingSpec("warren.dlx", "order.placed.email.dlq", "order.placed.email"));
    }

    @Test
    void twoGroupsShareOneTopicExchangeAndOneDlx() {
        Topology topology = Topology.builder()
                .subscription("order.placed", "email", QueueType.QUORUM)
                .subscription("order.placed", "billing", QueueType.QUORUM)
                .build();

        assertThat(topology.exchanges()).hasSize(2);
        assertThat(topology.queues()).hasSize(4);
        assertThat(topology.bindings()).filteredOn(b -> b.exchange().equals("order.placed"))
                .extracting(BindingSpec::queue).containsExactlyInAnyOrder("order.placed.email", "order.placed.billing");
    }

    @Test
    void sameQueueTwiceWithSameTypeIsDeclaredOnce() {
        Topology topology = Topology.builder()
                .workQueue("q", QueueType.QUORUM)
                .workQueue("q", QueueType.QUORUM)
                .build();

        assertThat(topology.queues()).hasSize(2);
        assertThat(topology.bindings()).hasSize(1);
    }

    @Test
    void sameQueueTwiceWithDifferentTypesIsRejected() {
        Topology.Builder builder = Topology.builder().workQueue("q", QueueType.QUORUM);

        assertThatThrownBy(() -> builder.workQueue("q", QueueType.CLASSIC))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("queue q is declared twice with different settings")
                .hasMessageContaining("quorum")
                .hasMessageContaining("classic");
    }

    @Test
    void topicNamedLikeTheDeadLetterExchangeIsRejected() {
        Topology.Builder builder = Topology.builder().workQueue("q", QueueType.QUORUM);

        assertThatThrownBy(() -> builder.subscription("warren.dlx", "g", QueueType.QUORUM))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("exchange warren.dlx is declared twice, as direct and as topic");
    }

    @Test
    void blankNamesAreRejected() {
        assertThatThrownBy(() -> Topology.builder().workQueue(" ", QueueType.QUORUM))
                .isInstanceOf(WarrenException.class).hasMessageContaining("queue name must not be blank");
        assertThatThrownBy(() -> Topology.builder().workQueue("", QueueType.QUORUM))
                .isInstanceOf(WarrenException.class).hasMessageContaining("queue name must not be blank");
        assertThatThrownBy(() -> Topology.builder().subscription("t", " ", QueueType.QUORUM))
                .isInstanceOf(WarrenException.class).hasMessageContaining("group name must not be blank");
        assertThatThrownBy(() -> Topology.builder().subscription("", "g", QueueType.QUORUM))
                .isInstanceOf(WarrenException.class).hasMessageContaining("exchange name must not be blank");
        assertThatThrownBy(() -> new ExchangeSpec(null, "topic"))
                .isInstanceOf(WarrenException.class).hasMessageContaining("exchange name must not be blank");
    }

    @Test
    void namesUpTo255BytesAreAcceptedAndLongerOnesRejected() {
        String name255 = "q".repeat(255);
        String name256 = "q".repeat(256);

        assertThat(new QueueSpec(name255, QueueType.QUORUM, Map.of()).name()).hasSize(255);
        assertThat(ExchangeSpec.topic(name255).name()).hasSize(255);
        assertThatThrownBy(() -> new QueueSpec(name256, QueueType.QUORUM, Map.of()))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("queue name must be at most 255 bytes of UTF-8")
                .hasMessageContaining("has 256");
        assertThatThrownBy(() -> ExchangeSpec.topic(name256))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("exchange name must be at most 255 bytes of UTF-8");
    }

    @Test
    void nameLimitCountsUtf8BytesNotCharacters() {
        String twoHundredAccents = "\u00e9".repeat(200);

        assertThatThrownBy(() -> new QueueSpec(twoHundredAccents, QueueType.QUORUM, Map.of()))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("has 400");
    }

    @Test
    void workQueueWhoseDlqNameWouldExceed255CharactersIsRejected() {
        String name = "q".repeat(252);

        assertThatThrownBy(() -> Topology.builder().workQueue(name, QueueType.QUORUM))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining(name + ".dlq")
                .hasMessageContaining("has 256");
    }

    @Test
    void topologyListsAreImmutable() {
        Topology topology = Topology.builder().workQueue("q", QueueType.QUORUM).build();

        assertThatThrownBy(() -> topology.queues().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> topology.exchanges().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> topology.bindings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
