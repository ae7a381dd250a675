package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.ManagementApi;
import dev.warren.topology.MissingPermissionException;
import dev.warren.topology.Permissions;
import dev.warren.topology.Topology;
import dev.warren.topology.TopologyMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/** The engine's topology modes and its permissions without Spring, in a virtual host of the test's own. */
class TopologyModeIT {

    record Job(String id) {
    }

    static final class Worker {
        final List<Job> jobs = new CopyOnWriteArrayList<>();

        @Consumer(queue = "jobs", retry = @Retry(maxAttempts = 2, backoff = "100ms"))
        void process(Job job) {
            jobs.add(job);
        }
    }

    final RabbitBroker broker = RabbitBroker.get();
    final RabbitManagement management = broker.management();
    final String virtualHost = RabbitBroker.uniqueName("it-topology-mode");
    final String user = RabbitBroker.uniqueName("it-topology-user");
    final CachingConnectionFactory connectionFactory = broker.connectionFactory();

    @BeforeEach
    void createVirtualHost() {
        management.createVirtualHost(virtualHost);
        connectionFactory.setVirtualHost(virtualHost);
    }

    @AfterEach
    void deleteVirtualHost() {
        connectionFactory.destroy();
        management.deleteUser(user);
        management.deleteVirtualHost(virtualHost);
    }

    ManagementApi managementApi() {
        return new ManagementApi(management.url(), management.username(), management.password(), virtualHost);
    }

    @Test
    void passiveEngineStartsOnAnImportedTopologyWithoutDeclaringAnything() throws Exception {
        Worker worker = new Worker();
        Topology full;
        try (WarrenEngine exporter = WarrenEngine.builder(connectionFactory).handlers(new Worker()).build()) {
            full = exporter.fullTopology();
        }
        management.importDefinitions(virtualHost, JsonMapper.builder().build().writeValueAsString(full.toDefinitions(virtualHost)));

        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(worker)
                .topologyMode(TopologyMode.PASSIVE).managementApi(managementApi()).build()) {
            engine.start();
            engine.warren().send("jobs", new Job("j-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.jobs.size() == 1);
            assertThat(engine.permissions().configure()).isEqualTo(Permissions.NOTHING);
        }
    }

    @Test
    void passiveEngineWithoutTheManagementApiSaysWhatToConfigure() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new Worker())
                .topologyMode(TopologyMode.PASSIVE).build()) {
            assertThatThrownBy(engine::start).isInstanceOf(WarrenException.class)
                    .hasMessageContaining("management API").hasMessageContaining("warren.management.url");
        }
    }

    @Test
    void queuesInPlaceThatCannotBeReadOrSentToFailStartUp() {
        Permissions needed;
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new Worker()).build()) {
            needed = engine.permissions();
            engine.declareTopology();
        }
        management.createUser(user, "secret", virtualHost, needed.configure(), "^(?!amq\\.default$)" + needed.write().substring(1),
                "^(?!jobs$|warren\\.dlx$)" + needed.read().substring(1));
        CachingConnectionFactory restricted = broker.connectionFactory();
        restricted.setVirtualHost(virtualHost);
        restricted.setUsername(user);
        restricted.setPassword("secret");
        try (WarrenEngine engine = WarrenEngine.builder(restricted).handlers(new Worker()).build()) {
            // The queues are in place, so declaring them checks configure only; binding the dead-letter queue
            // checks read on warren.dlx; consuming and sending would be refused. All of it in one report.
            assertThatThrownBy(engine::start).isInstanceOfSatisfying(MissingPermissionException.class,
                    e -> assertThat(e.refused()).containsExactlyInAnyOrder("read access to exchange 'warren.dlx'",
                            "read access to queue 'jobs'", "write access to exchange 'amq.default'"));
            assertThat(engine.isRunning()).isFalse();
        } finally {
            restricted.destroy();
        }
    }

    @Test
    void everyRefusedPermissionIsNamedAtOnce() {
        Permissions needed;
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new Worker()).build()) {
            needed = engine.permissions();
        }
        // Neither configure on the dead-letter queue nor read on the work queue.
        String configure = "^(?!jobs\\.dlq$)" + needed.configure().substring(1);
        String read = "^(?!jobs$)" + needed.read().substring(1);
        management.createUser(user, "secret", virtualHost, configure, needed.write(), read);
        CachingConnectionFactory restricted = broker.connectionFactory();
        restricted.setVirtualHost(virtualHost);
        restricted.setUsername(user);
        restricted.setPassword("secret");
        try (WarrenEngine engine = WarrenEngine.builder(restricted).handlers(new Worker()).build()) {
            assertThatThrownBy(engine::start).isInstanceOfSatisfying(MissingPermissionException.class, e -> {
                assertThat(e.refused()).containsExactlyInAnyOrder("read (and perhaps configure) access to queue 'jobs'",
                        "configure access to queue 'jobs.dlq'");
                assertThat(e.required()).isEqualTo(needed);
                assertThat(e.getMessage()).contains(e.rabbitmqctlCommand())
                        .contains("rabbitmqctl set_permissions -p '" + virtualHost + "' '" + user + "'");
            });
        } finally {
            restricted.destroy();
        }
    }
}
