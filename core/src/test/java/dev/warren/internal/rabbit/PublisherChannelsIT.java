package dev.warren.internal.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.AMQP;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** {@link PublisherChannels} on the real broker: confirms, returns and in-flight permits. */
class PublisherChannelsIT {

    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final String queue = RabbitBroker.uniqueName("it.publisher.channels");

    @AfterEach
    void close() {
        cleanup.close();
        connectionFactory.destroy();
    }

    @Test
    void permitsComeBackWhenALaneCannotOpenItsChannel() throws Exception {
        declare(queue);
        // With channel_max 1 the first lane takes the connection's only channel and the second lane's
        // createChannel returns null: the publish path meets a RuntimeException on every other publish.
        connectionFactory.getRabbitConnectionFactory().setRequestedChannelMax(1);
        PublisherSettings settings = new PublisherSettings(Duration.ofSeconds(2), 2, 2);
        List<Throwable> failures = new ArrayList<>();
        int confirmed = 0;
        try (PublisherChannels channels = new PublisherChannels(connectionFactory, settings)) {
            for (int i = 0; i < 10; i++) {
                String messageId = "m-" + i;
                Throwable failure = catchThrowable(() -> channels.publish("", queue, properties(messageId), BODY)
                        .get(10, TimeUnit.SECONDS));
                if (failure == null) {
                    confirmed++;
                } else {
                    failures.add(failure instanceof ExecutionException ? failure.getCause() : failure);
                }
            }
            assertThat(channels.availablePermits()).isEqualTo(settings.maxInFlight());
        }

        // Every publish on the working lane is confirmed: more than the two permits there are.
        assertThat(confirmed).isEqualTo(5);
        assertThat(failures).hasSize(5).allSatisfy(failure -> assertThat(failure)
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PublishException.Reason.CONNECTION_LOST);
                    assertThat(e.getMessage()).contains("channel limit");
                }));
    }

    private void declare(String name) {
        cleanup.queue(name);
        new RabbitAdmin(connectionFactory).declareQueue(QueueBuilder.nonDurable(name).build());
    }

    private static AMQP.BasicProperties properties(String messageId) {
        return new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).messageId(messageId).build();
    }
}
