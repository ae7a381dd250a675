package dev.warren.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.Permissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Runs test classes that use {@link WarrenTest} and {@link WarrenSpringTest} as JUnit would, then
 * looks at the broker: their virtual hosts are gone, and so are the applications they started.
 */
class LeavesNothingBehindIT {

    record Note(String text) {
    }

    static class Notes {
        @Consumer(queue = "notes")
        void take(Note note) {
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Notes.class)
    static class NotesApplication {
    }

    /**
     * What the test classes below saw while they ran, keyed by what it is; read after they finish.
     * Static because JUnit creates their instances; only this class's tests use it, one at a time.
     */
    static final Map<String, Object> seen = new ConcurrentHashMap<>();

    @WarrenTest
    static class PlainTests {
        @Test
        void startsAnEngineAndAnApplication(TestBroker broker, WarrenHarness harness) {
            seen.put("plain virtual host", broker.virtualHost());
            WarrenEngine engine = broker.start(new Notes());
            ConfigurableApplicationContext app = new SpringApplicationBuilder(NotesApplication.class)
                    .web(WebApplicationType.NONE).initializers(broker.applicationInitializer()).run();
            seen.put("plain engine", engine);
            seen.put("plain application", app);

            app.getBean(Warren.class).send("notes", new Note("from the application"));
            engine.warren().send("notes", new Note("from the engine"));

            assertThat(harness.awaitConsumed("notes", Note.class, 2)).hasSize(2);
            assertThat(app.getBean(WarrenHarness.class)).isSameAs(harness);
            assertThat(RabbitBroker.get().management().virtualHostExists(broker.virtualHost())).isTrue();
        }
    }

    @WarrenSpringTest(classes = NotesApplication.class)
    static class SpringTests {
        @Test
        void runsInAVirtualHostThatExists(@Autowired TestBroker broker, @Autowired Warren warren,
                @Autowired WarrenHarness harness) {
            seen.put("spring virtual host", broker.virtualHost());
            warren.send("notes", new Note("from the test"));
            assertThat(harness.awaitConsumed("notes", Note.class)).isEqualTo(new Note("from the test"));
            assertThat(RabbitBroker.get().management().virtualHostExists(broker.virtualHost())).isTrue();
        }
    }

    @WarrenTest
    static class UserTests {
        @Test
        void runsAnApplicationAsAUserWithExactlyTheEnginesPermissions(TestBroker broker, WarrenHarness harness) {
            Permissions permissions = broker.start(new Notes()).permissions();
            BrokerUser user = broker.createUser(permissions);
            seen.put("user", user.username());
            ConfigurableApplicationContext app = new SpringApplicationBuilder(NotesApplication.class)
                    .web(WebApplicationType.NONE).initializers(broker.applicationInitializer(user)).run();
            assertThat(app.getBean(org.springframework.amqp.rabbit.connection.ConnectionFactory.class).getUsername())
                    .isEqualTo(user.username());
            assertThat(user.toString()).doesNotContain(user.password());
            app.getBean(Warren.class).send("notes", new Note("as the user"));
            assertThat(harness.awaitConsumed("notes", Note.class)).isEqualTo(new Note("as the user"));
            assertThat(RabbitBroker.get().management().userExists(user.username())).isTrue();
        }

        @Test
        void failsAfterCreatingAUser(TestBroker broker) {
            BrokerUser user = broker.createUser(new Permissions("^notes$", "^notes$", "^notes$"));
            seen.put("user of the failed test", user.username());
            throw new AssertionError("fails on purpose");
        }
    }

    @Test
    void usersAreDeletedAfterTheTestThatCreatedThemAlsoWhenItFails() {
        TestExecutionSummary summary = run(UserTests.class);

        assertThat(summary.getTestsSucceededCount()).as("%s", summary.getFailures().stream()
                .map(failure -> failure.getException().toString()).toList()).isEqualTo(1);
        assertThat(summary.getFailures()).singleElement()
                .satisfies(failure -> assertThat(failure.getException()).hasMessage("fails on purpose"));
        RabbitManagement management = RabbitBroker.get().management();
        assertThat(management.userExists((String) seen.get("user"))).isFalse();
        assertThat(management.userExists((String) seen.get("user of the failed test"))).isFalse();
    }

    @Test
    void virtualHostsAndWhatTheTestsStartedAreGoneAfterTheirClass() {
        TestExecutionSummary summary = run(PlainTests.class, SpringTests.class);

        assertThat(summary.getTestsSucceededCount()).as("%s", summary.getFailures().stream()
                .map(failure -> failure.getException().toString()).toList()).isEqualTo(2);
        RabbitManagement management = RabbitBroker.get().management();
        assertThat(List.of(seen.get("plain virtual host"), seen.get("spring virtual host")))
                .allSatisfy(virtualHost -> assertThat(management.virtualHostExists((String) virtualHost)).isFalse());
        assertThat(((WarrenEngine) seen.get("plain engine")).isRunning()).isFalse();
        assertThat(((ConfigurableApplicationContext) seen.get("plain application")).isActive()).isFalse();
    }

    @Test
    void withoutTheManagementApiTheQueuesOfWhatRanAreDeleted() {
        String queue = RabbitBroker.uniqueName("it.shared.notes");
        CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
        try {
            RabbitAdmin admin = new RabbitAdmin(connectionFactory);
            try (dev.warren.testing.internal.VirtualHostBroker broker =
                    dev.warren.testing.internal.VirtualHostBroker.shared("LeavesNothingBehindIT", 1.0)) {
                assertThat(broker.isolated()).isFalse();
                WarrenEngine engine = broker.start(broker.engine(new Notes()).nameResolver(name -> queue));
                engine.warren().send(queue, new Note("shared"));
                assertThat(broker.harness().awaitConsumed(queue, Note.class)).isEqualTo(new Note("shared"));
                assertThat(admin.getQueueInfo(queue + ".dlq")).isNotNull();
            }
            assertThat(admin.getQueueInfo(queue)).isNull();
            assertThat(admin.getQueueInfo(queue + ".dlq")).isNull();
            assertThat(admin.getQueueInfo(queue + ".retry.1s")).isNull();
        } finally {
            connectionFactory.destroy();
        }
    }

    private static TestExecutionSummary run(Class<?>... testClasses) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(java.util.Arrays.stream(testClasses).map(type -> selectClass(type)).toList()).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }
}
