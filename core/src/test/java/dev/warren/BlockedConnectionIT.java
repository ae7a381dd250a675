package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.warren.publish.PublishException;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.RabbitNodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Publishing while the broker blocks the connection for a resource alarm. The alarm is raised on a
 * RabbitMQ node of this test's own: an alarm on the shared node would block every engineer's
 * publishers.
 */
class BlockedConnectionIT {

    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(3);
    /** The caller's bound: the confirm timeout, and a margin for a busy machine. */
    private static final Duration CALLER_BOUND = CONFIRM_TIMEOUT.plusSeconds(3);
    private static final String SET_ALARM = "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []}).";
    private static final String CLEAR_ALARM = "rabbit_alarm:clear_alarm({resource_limit, memory, node()}).";

    record Ping(int n) {
    }

    /** Larger than the socket buffers between client and broker, so that writing it blocks once the broker stops reading. */
    record Blob(String data) {
    }

    RabbitNodeProcess node;
    CachingConnectionFactory connectionFactory;
    WarrenEngine engine;
    final String queue = "it.blocked." + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void startNode() throws IOException {
        String nodeName = "warren-blocked-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
        node = RabbitNodeProcess.create(nodeName, "warren-blocked-node");
        int[] ports = freePorts(2);
        Files.writeString(node.directory().resolve("rabbitmq.conf"), "listeners.tcp.default = " + ports[0] + "\n");
        Files.writeString(node.directory().resolve("enabled_plugins"), "[].\n");
        // Replaces /etc/rabbitmq/rabbitmq-env.conf, which names the shared node.
        Files.writeString(node.directory().resolve("rabbitmq-env.conf"), "NODENAME=" + nodeName + "\nERL_EPMD_ADDRESS=127.0.0.1\n");
        node.start(ports[0], ports[1], ports[0]);
        connectionFactory = new CachingConnectionFactory("127.0.0.1", ports[0]);
        connectionFactory.setUsername("guest");
        connectionFactory.setPassword("guest");
        new RabbitAdmin(connectionFactory).declareQueue(QueueBuilder.durable(queue).build());
        engine = WarrenEngine.builder(connectionFactory)
                .publisherSettings(new PublisherSettings(CONFIRM_TIMEOUT, 2, 1_000))
                .build();
    }

    @AfterEach
    void stopNode() {
        try {
            // Lets a publish stuck in a socket write finish, so that closing does not wait on it.
            node.ctl("eval", CLEAR_ALARM);
            if (engine != null) {
                engine.close();
            }
            if (connectionFactory != null) {
                connectionFactory.destroy();
            }
        } finally {
            node.close();
        }
    }

    @Test
    void sendFailsWithinTheConfirmTimeoutWhileTheBrokerBlocksAndWorksOnceTheAlarmClears() {
        engine.warren().send(queue, new Ping(1));
        assertThat(engine.publisherBlocked()).isFalse();

        node.ctl("eval", SET_ALARM);
        // The broker blocks a connection when it next publishes; that message itself may still get through.
        Throwable first = catchThrowable(() -> engine.warren().send(queue, new Ping(2)));
        assertThat(first).satisfiesAnyOf(failure -> assertThat(failure).isNull(),
                failure -> assertThat(failure).isInstanceOf(PublishException.class));
        await().atMost(CALLER_BOUND).until(engine::publisherBlocked);

        assertTimeoutPreemptively(CALLER_BOUND, () -> {
            assertThatThrownBy(() -> engine.warren().send(queue, new Blob("x".repeat(32 * 1024 * 1024))))
                    .isInstanceOfSatisfying(PublishException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PublishException.Reason.BLOCKED);
                        assertThat(e.getMessage()).contains("blocked").contains("alarm");
                    });
        });
        assertTimeoutPreemptively(CALLER_BOUND, () -> {
            assertThatThrownBy(() -> engine.warren().send(queue, new Ping(3)))
                    .isInstanceOfSatisfying(PublishException.class,
                            e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.BLOCKED));
        });

        node.ctl("eval", CLEAR_ALARM);
        await().atMost(CALLER_BOUND).until(() -> !engine.publisherBlocked());
        assertTimeoutPreemptively(CALLER_BOUND, () -> {
            assertThat(engine.warren().send(queue, new Ping(4)).routed()).isTrue();
        });
    }

    private static int[] freePorts(int count) {
        // Held open together, so that the ports differ.
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find free ports for the test's RabbitMQ node", e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // Closing a probe socket cannot lose anything.
                    }
                }
            }
        }
    }
}
