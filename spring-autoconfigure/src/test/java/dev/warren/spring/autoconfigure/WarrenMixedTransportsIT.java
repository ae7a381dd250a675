package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.deadletter.DeadLetters;
import dev.warren.jms.JmsWarrenEngine;
import dev.warren.publish.PublishOptions;
import dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@code warren.queues.<name>.transport} and {@code warren.topics.<topic>.transport} put some
 * queues on a JMS provider (embedded Artemis) and leave the rest on RabbitMQ, in one application
 * with one publisher.
 */
class WarrenMixedTransportsIT {

    record Invoice(int id) {
    }

    static class Handlers {
        final List<String> handled = new CopyOnWriteArrayList<>();
        final Warren warren;
        final String modern;

        Handlers(Warren warren, String modern) {
            this.warren = warren;
            this.modern = modern;
        }

        @Consumer(queue = "${test.modern}")
        void modern(Invoice invoice) {
            handled.add("modern:" + invoice.id());
        }

        /** Consumes from the JMS provider and forwards to RabbitMQ through the same publisher. */
        @Consumer(queue = "${test.legacy}")
        void legacy(Invoice invoice) {
            handled.add("legacy:" + invoice.id());
            warren.send(modern, new Invoice(invoice.id() * 10));
        }

        @Subscribe(topic = "${test.ledger}", group = "audit")
        void audit(Invoice invoice) {
            handled.add("audit:" + invoice.id());
        }

        @Consumer(queue = "${test.legacy-poison}", retry = @Retry(maxAttempts = 1))
        void legacyPoison(Invoice invoice) {
            throw new IllegalArgumentException("invoice " + invoice.id() + " has no customer");
        }

        @Consumer(queue = "${test.modern-poison}", retry = @Retry(maxAttempts = 1))
        void modernPoison(Invoice invoice) {
            throw new IllegalArgumentException("invoice " + invoice.id() + " has a negative total");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfiguration {
        @Bean
        Handlers handlers(Warren warren, Environment environment) {
            return new Handlers(warren, environment.getRequiredProperty("test.modern"));
        }
    }

    final String modern = RabbitBroker.uniqueName("it.mixed.modern");
    final String legacy = RabbitBroker.uniqueName("it.mixed.legacy");
    final String ledger = RabbitBroker.uniqueName("it.mixed.ledger");
    final String legacyPoison = RabbitBroker.uniqueName("it.mixed.legacy.poison");
    final String modernPoison = RabbitBroker.uniqueName("it.mixed.modern.poison");

    final ApplicationContextRunner runner = SharedBrokerRunners.warrenAndJms(WarrenMixedTransportsAutoConfiguration.class)
            .withUserConfiguration(HandlerConfiguration.class)
            .withPropertyValues("test.modern=" + modern, "test.legacy=" + legacy,
                    "test.ledger=" + ledger, "test.legacy-poison=" + legacyPoison, "test.modern-poison=" + modernPoison);

    final CachingConnectionFactory rabbit = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(rabbit);

    @AfterEach
    void cleanUp() {
        cleanup.close();
        rabbit.destroy();
    }

    @Test
    void queuesAndTopicsNamedJmsRunOnTheJmsProviderAndTheRestOnRabbitMq() {
        runner.withPropertyValues("warren.queues." + legacy + ".transport=jms",
                "warren.queues." + legacyPoison + ".transport=jms",
                "warren.queues." + ledger + ".audit.transport=jms",
                "warren.topics." + ledger + ".transport=jms").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(WarrenEngine.class).hasSingleBean(JmsWarrenEngine.class)
                            .hasSingleBean(Warren.class).hasSingleBean(DeadLetters.class).hasSingleBean(WarrenEndpoint.class);
                    WarrenEngine rabbitEngine = context.getBean(WarrenEngine.class);
                    JmsWarrenEngine jmsEngine = context.getBean(JmsWarrenEngine.class);
                    assertThat(rabbitEngine.consumerStats()).containsOnlyKeys(modern, modernPoison);
                    assertThat(jmsEngine.consumerStats()).containsOnlyKeys(legacy, legacyPoison, ledger + ".audit");
                    // Nothing of the JMS side is declared on RabbitMQ.
                    RabbitAdmin admin = new RabbitAdmin(rabbit);
                    assertThat(admin.getQueueProperties(legacy)).isNull();
                    assertThat(admin.getQueueProperties(modern)).isNotNull();

                    Handlers handlers = context.getBean(Handlers.class);
                    Warren warren = context.getBean(Warren.class);
                    warren.send(modern, new Invoice(1));
                    warren.send(legacy, new Invoice(2));
                    warren.publish(ledger, new Invoice(3));
                    await().atMost(Duration.ofSeconds(20)).until(() -> handlers.handled.size() == 4);
                    // legacy:2 came through the JMS provider and its forward, modern:20, through RabbitMQ.
                    assertThat(handlers.handled).containsExactlyInAnyOrder("modern:1", "legacy:2", "modern:20", "audit:3");
                    assertThat(jmsEngine.consumerStats().get(legacy).processed()).isEqualTo(1);
                    assertThat(rabbitEngine.consumerStats().get(modern).processed()).isEqualTo(2);

                    warren.send(legacyPoison, new Invoice(7), PublishOptions.builder().messageId("inv-7").build());
                    warren.send(modernPoison, new Invoice(8), PublishOptions.builder().messageId("inv-8").build());
                    DeadLetters deadLetters = context.getBean(DeadLetters.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters.peek(legacyPoison, 5).isEmpty()
                            && !deadLetters.peek(modernPoison, 5).isEmpty());
                    DeadLetter jmsLetter = deadLetters.peek(legacyPoison, 5).get(0);
                    DeadLetter rabbitLetter = deadLetters.peek(modernPoison, 5).get(0);
                    assertThat(jmsLetter.messageId()).isEqualTo("inv-7");
                    assertThat(jmsLetter.reason()).contains("has no customer");
                    assertThat(rabbitLetter.messageId()).isEqualTo("inv-8");
                    assertThat(rabbitLetter.reason()).contains("negative total");
                    assertThat(deadLetters.queues()).extracting(DeadLetterQueue::queue).contains(legacyPoison, modernPoison);

                    WarrenEndpoint endpoint = context.getBean(WarrenEndpoint.class);
                    // Without the operator role the metadata shows, the body does not.
                    assertThat(String.valueOf(endpoint.deadLetters(legacyPoison, null, 5,
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE).getBody())).contains("inv-7", "body=hidden");
                    assertThat(context.getBeansOfType(WarrenHealthIndicator.class)).hasSize(2)
                            .allSatisfy((name, health) -> assertThat(health.health().getStatus().getCode()).isEqualTo("UP"));
                });
    }

    @Test
    void withJmsForTheApplicationAQueueNamedRabbitMqStaysOnRabbitMq() {
        runner.withPropertyValues("warren.transport=jms", "warren.queues." + modern + ".transport=rabbitmq").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(WarrenEngine.class).consumerStats()).containsOnlyKeys(modern);
            assertThat(context.getBean(JmsWarrenEngine.class).consumerStats()).containsKeys(legacy, legacyPoison, modernPoison);
            Handlers handlers = context.getBean(Handlers.class);
            context.getBean(Warren.class).send(legacy, new Invoice(5));
            await().atMost(Duration.ofSeconds(20)).until(() -> handlers.handled.size() == 2);
            assertThat(handlers.handled).containsExactlyInAnyOrder("legacy:5", "modern:50");
            assertThat(context.getBean(WarrenEngine.class).consumerStats().get(modern).processed()).isEqualTo(1);
        });
    }

    @Test
    void withOneTransportNoRoutingIsAdded() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(WarrenEngine.class).doesNotHaveBean(JmsWarrenEngine.class)
                    .doesNotHaveBean(dev.warren.spring.autoconfigure.internal.MixedTransports.class);
            assertThat(context.getBean(WarrenEngine.class).consumerStats()).containsKeys(modern, legacy, ledger + ".audit");
        });
    }
}
