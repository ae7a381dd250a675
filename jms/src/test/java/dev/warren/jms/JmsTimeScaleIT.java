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

/** A time scale shrinks a JMS handler's backoff as it does on RabbitMQ, without touching the handler. */
class JmsTimeScaleIT {

    record Job(int id) {
    }

    static final class Flaky {
        final List<Long> attemptTimes = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${prefix}.scaled", retry = @Retry(maxAttempts = 2, backoff = "1m"))
        void process(Job job, MessageContext context) {
            attemptTimes.add(System.nanoTime());
            if (context.attempt() == 1) {
                throw new TransientFailureException("not yet");
            }
        }
    }

    final String prefix = RabbitBroker.uniqueName("it.scale");
    JmsWarrenEngine engine;

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aOneMinuteBackoffWaitsSixtyMillisecondsInTheDelayQueue() {
        Flaky flaky = new Flaky();
        engine = JmsWarrenEngine.builder(new JmsProvider.Artemis().connectionFactory()).handlers(flaky).timeScale(0.001)
                .nameResolver(name -> name.replace("${prefix}", prefix)).build();
        engine.start();
        engine.warren().send(prefix + ".scaled", new Job(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> flaky.attemptTimes.size() == 2);
        long waitedMillis = Duration.ofNanos(flaky.attemptTimes.get(1) - flaky.attemptTimes.get(0)).toMillis();
        assertThat(waitedMillis).isGreaterThanOrEqualTo(55).isLessThan(5_000);
        assertThat(engine.consumerStats().get(prefix + ".scaled").retried()).isEqualTo(1);
    }
}
