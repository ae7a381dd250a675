package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.consumer.InputLimits;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The input limits set in YAML, globally and per queue, on the application's own JSON mapper. */
class InputLimitsPropertiesIT {

    record Note(String text) {
    }

    static class Notes {
        final Set<String> seen = ConcurrentHashMap.newKeySet();

        @Consumer(queue = "${test.queue}", retry = @Retry(maxAttempts = 1))
        void note(Note note) {
            seen.add(note.text());
        }

        @Consumer(queue = "${test.queue}.other")
        void other(Note note) {
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.limits");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue).workQueue(queue + ".other");

    final ApplicationContextRunner runner = SharedBrokerRunners.warren()
            .withBean(Notes.class)
            .withPropertyValues("test.queue=" + queue);

    @AfterEach
    void cleanUp() {
        cleanup.close();
        admin.destroy();
    }

    @Test
    void limitsComeFromTheDefaultsAndEachQueueEntry() {
        runner.withPropertyValues("warren.defaults.max-message-size=64KB", "warren.defaults.json.max-nesting-depth=20",
                "warren.defaults.json.max-number-length=30", "warren.queues." + queue + ".max-message-size=2KB",
                "warren.queues." + queue + ".json.max-string-length=500",
                "warren.queues." + queue + ".json.max-document-length=1KB").run(context -> {
            assertThat(context).hasNotFailed();
            WarrenEngine engine = context.getBean(WarrenEngine.class);
            assertThat(engine.consumerSettings().get(queue).limits())
                    .isEqualTo(new InputLimits(2_048, 20, 500, 30, 1_024));
            assertThat(engine.consumerSettings().get(queue + ".other").limits())
                    .isEqualTo(new InputLimits(65_536, 20, InputLimits.DEFAULT_MAX_STRING_LENGTH, 30, 0));

            RabbitTemplate template = new RabbitTemplate(admin);
            MessageProperties properties = new MessageProperties();
            properties.setContentType("application/json");
            properties.setMessageId("big-1");
            template.send("", queue, new Message(("{\"text\":\"" + "x".repeat(3_000) + "\"}").getBytes(StandardCharsets.UTF_8),
                    properties));
            template.send("", queue, new Message("{\"text\":\"fits\"}".getBytes(StandardCharsets.UTF_8), properties));
            Notes notes = context.getBean(Notes.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> notes.seen.contains("fits"));
            Message[] dead = new Message[1];
            await().atMost(Duration.ofSeconds(10)).until(() -> (dead[0] = template.receive(queue + ".dlq")) != null);
            assertThat(String.valueOf(dead[0].getMessageProperties().getHeaders().get("x-exception-message")))
                    .isEqualTo("Body of 3,011 bytes exceeds the limit of 2,048 bytes (max-message-size); it was not decoded");
        });
    }

    @Test
    void anInvalidLimitFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("warren.queues." + queue + ".json.max-nesting-depth=0").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("warren.queues." + queue + ".json.max-nesting-depth",
                    "must be >= 1 but was 0");
        });
    }

    @Test
    void aLimitAboveWhatTheRabbitClientReadsFailsStartUp() {
        runner.withPropertyValues("warren.defaults.max-message-size=128MB").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("is 134,217,728 bytes, more than the 67,108,864 bytes of "
                    + "spring.rabbitmq.max-inbound-message-body-size");
        });
        runner.withPropertyValues("warren.defaults.max-message-size=128MB", "spring.rabbitmq.max-inbound-message-body-size=256MB")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
