package dev.warren.internal.rabbit;

import dev.warren.internal.pipeline.BreakerGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.consumer.HandlerEngineBuilder;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.pipeline.EngineOptions;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.protection.CircuitBreakerTransition;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * A circuit breaker transition that is applied after its consumer stopped, as when it raced past
 * the engine's running check while the engine stopped, leaves the consumer stopped.
 */
class BreakerTransitionAfterStopIT {

    record Charge(int n) {
    }

    static final class Payments {
        @Consumer(queue = "${queue}", circuitBreaker = "gateway")
        void charge(Charge charge) {
        }
    }

    /** The options a real engine builder collects, for building one consumer by hand. */
    static final class Options extends HandlerEngineBuilder<Options> {
        EngineOptions get() {
            return options();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.breaker.stopped");
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory).queue(queue);
    final RabbitAdmin admin = new RabbitAdmin(connectionFactory);
    final PublisherChannels publisher = new PublisherChannels(connectionFactory, PublisherSettings.DEFAULTS);
    final List<CircuitBreakerTransition> transitions = new CopyOnWriteArrayList<>();
    // The engine's running check always passes: the transition raced with stop() and got past it.
    final BreakerGate gate = new BreakerGate(() -> true, transitions::add);

    @AfterEach
    void close() {
        gate.close();
        publisher.close();
        cleanup.close();
        connectionFactory.destroy();
    }

    @Test
    void aBreakerTransitionAfterTheConsumerStoppedDoesNotStartItAgain() {
        admin.declareQueue(new Queue(queue, true, false, false));
        EngineOptions options = new Options().nameResolver(name -> name.replace("${queue}", queue)).get();
        HandlerEndpoint endpoint = options.scanner().scan(new Payments(), Payments.class).get(0);
        CircuitBreaker breaker = gate.breaker("gateway", CircuitBreakerSettings.DEFAULTS);
        RabbitConsumer consumer = new RabbitConsumer(connectionFactory, options.pipeline(endpoint, breaker, "rabbitmq"), publisher,
                PublisherSettings.DEFAULTS.confirmTimeout(), WarrenEngine.Builder.DEFAULT_SHUTDOWN_TIMEOUT);
        gate.guard("gateway", consumer);
        consumer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.getQueueInfo(queue).getConsumerCount() == 1);

        consumer.stop();
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        breaker.transitionToClosedState();

        await().atMost(Duration.ofSeconds(10)).until(() -> transitions.size() == 3);
        assertThat(transitions).extracting(CircuitBreakerTransition::to).containsExactly("OPEN", "HALF_OPEN", "CLOSED");
        assertThat(consumer.isRunning()).isFalse();
        assertThat(admin.getQueueInfo(queue).getConsumerCount()).isZero();
    }
}
