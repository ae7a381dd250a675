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
                    // The broker names the first argument that differs; a classic queue lacks both of these.
                    assertThat(e.argument()).isIn("x-queue-type", "x-delivery-limit");
                    assertThat(e.getMessage())
                            .contains("queue '" + queue + "'", "'" + e.argument() + "'", "rabbitmqctl delete_queue", "queue-type")
                            .doesNotStartWith("PRECONDITION_FAILED");
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
