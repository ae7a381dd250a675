package dev.warren.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.failure.TransientFailureException;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On a provider with JMS 2.0 delivery delay, the retry copy waits in the provider itself. */
class DeliveryDelayIT {

    record Job(int id) {
    }

    static final class Flaky {
        final List<Long> attemptTimes = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${prefix}.delayed", retry = @Retry(maxAttempts = 2, backoff = "700ms"))
        void process(Job job, MessageContext context) {
            attemptTimes.add(System.nanoTime());
            if (context.attempt() == 1) {
                throw new TransientFailureException("not yet");
            }
        }
    }

    final String prefix = RabbitBroker.uniqueName("it.delay");
    JmsWarrenEngine engine;

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aRetryComesBackAfterItsBackoffThroughTheProvidersDeliveryDelay() {
        Flaky flaky = new Flaky();
        engine = JmsWarrenEngine.builder(new JmsProvider.Artemis().connectionFactory()).handlers(flaky)
                .retryDelivery(RetryDelivery.DELIVERY_DELAY).nameResolver(name -> name.replace("${prefix}", prefix)).build();
        engine.start();
        engine.warren().send(prefix + ".delayed", new Job(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> flaky.attemptTimes.size() == 2);
        long waitedMillis = Duration.ofNanos(flaky.attemptTimes.get(1) - flaky.attemptTimes.get(0)).toMillis();
        // Without jitter (the default) the copy waits its whole backoff.
        assertThat(waitedMillis).isGreaterThanOrEqualTo(650);
        assertThat(engine.consumerStats().get(prefix + ".delayed").processed()).isEqualTo(1);
        assertThat(engine.consumerStats().get(prefix + ".delayed").retried()).isEqualTo(1);
    }
}
