package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import dev.warren.topology.TopologyConflictException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TopologyConflictIT {

    record Job(String id) {
    }

    static final class Worker {
        @Consumer(queue = "${queue}")
        void process(Job job) {
        }
    }

    final String queue = RabbitBroker.uniqueName("it.conflict");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void preExistingClassicQueueGivesAClearStartUpError() {
        broker.cleanup.workQueue(queue);
        // Everything as Warren would declare it, except the queue type.
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.durable(queue)
                .deadLetterExchange("warren.dlx").deadLetterRoutingKey(queue).build());

        assertThatThrownBy(() -> broker.start(new Worker()))
                .isInstanceOfSatisfying(TopologyConflictException.class, e -> {
                    assertThat(e.objectName()).isEqualTo(queue);
                    // The broker names the first argument that differs; a classic queue lacks all of these.
                    assertThat(e.argument()).isIn("x-queue-type", "x-delivery-limit", "x-overflow");
                    assertThat(e.getMessage())
                            .contains("queue '" + queue + "'", "'" + e.argument() + "'", "rabbitmqctl delete_queue", "queue-type")
                            .doesNotStartWith("PRECONDITION_FAILED");
                });
    }

    @Test
    void aQuorumWorkQueueDeadLettersAtLeastOnce() throws Exception {
        broker.cleanup.workQueue(queue);
        broker.start(new Worker());

        JsonNode arguments = new JsonMapper().readTree(RabbitBroker.get().management().queue(queue)).path("arguments");

        assertThat(arguments.path("x-queue-type").asString()).isEqualTo("quorum");
        assertThat(arguments.path("x-dead-letter-strategy").asString()).isEqualTo("at-least-once");
        assertThat(arguments.path("x-overflow").asString()).isEqualTo("reject-publish");
    }

    @Test
    void aQuorumQueueDeclaredBeforeAtLeastOnceDeadLetteringGivesAClearStartUpError() {
        broker.cleanup.workQueue(queue);
        // Exactly as Warren declared quorum work queues before they dead-lettered at least once.
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.durable(queue).quorum()
                .deadLetterExchange("warren.dlx").deadLetterRoutingKey(queue).deliveryLimit(20).build());

        assertThatThrownBy(() -> broker.start(new Worker()))
                .isInstanceOfSatisfying(TopologyConflictException.class, e -> {
                    assertThat(e.objectName()).isEqualTo(queue);
                    assertThat(e.argument()).isEqualTo("x-dead-letter-strategy");
                    assertThat(e.getMessage())
                            .contains("queue '" + queue + "'", "'x-dead-letter-strategy'", "at-least-once", "x-overflow",
                                    "reject-publish", "rabbitmqctl delete_queue")
                            .doesNotContain("set the handler's queue type");
                });
    }

    @Test
    void preExistingQueueWithOtherDurabilityIsNamedToo() {
        broker.cleanup.workQueue(queue);
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.nonDurable(queue).autoDelete().build());

        assertThatThrownBy(() -> broker.start(new Worker()))
                .isInstanceOfSatisfying(TopologyConflictException.class, e -> {
                    assertThat(e.objectName()).isEqualTo(queue);
                    assertThat(e.getMessage()).contains(queue, e.argument());
                });
    }

    @Test
    void aConflictAmongManyDeclarationsIsNamedToo() {
        // Enough queues that the declarer spreads them over several channels without waiting for each reply.
        java.util.List<dev.warren.topology.QueueSpec> queues = new java.util.ArrayList<>();
        for (int i = 0; i < 240; i++) {
            queues.add(dev.warren.topology.QueueSpec.workQueue(queue + "." + i, dev.warren.annotation.QueueType.CLASSIC));
        }
        broker.cleanup.queues(queues.stream().map(dev.warren.topology.QueueSpec::name).toList());
        String conflicting = queue + ".173";
        new RabbitAdmin(broker.connectionFactory).declareQueue(QueueBuilder.nonDurable(conflicting).autoDelete().build());
        var declarer = new dev.warren.internal.rabbit.TopologyDeclarer(broker.connectionFactory);

        assertThatThrownBy(() -> declarer.declare(new dev.warren.topology.Topology(java.util.List.of(), queues, java.util.List.of())))
                .isInstanceOfSatisfying(TopologyConflictException.class, e -> assertThat(e.objectName()).isEqualTo(conflicting));
        // Every queue before the conflict was declared, whichever path found it.
        assertThat(new RabbitAdmin(broker.connectionFactory).getQueueInfo(queue + ".172")).isNotNull();
    }
}
