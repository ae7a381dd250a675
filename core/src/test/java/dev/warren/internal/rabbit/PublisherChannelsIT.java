package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.AMQP;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

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

    @Test
    void returnsAreMatchedToTheirOwnPublishesWhenMessagesHaveNoId() throws Exception {
        declare(queue);
        String missing = RabbitBroker.uniqueName("it.publisher.missing");
        List<CompletableFuture<Confirmation>> routed = new ArrayList<>();
        List<CompletableFuture<Confirmation>> returned = new ArrayList<>();
        try (PublisherChannels channels = new PublisherChannels(connectionFactory, new PublisherSettings(Duration.ofSeconds(10), 1, 1_000))) {
            for (int i = 0; i < 200; i++) {
                routed.add(channels.publish("", queue, properties(null), BODY));
                returned.add(channels.publish("", missing, properties(null), BODY));
            }
            CompletableFuture.allOf(routed.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(returned.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }

        assertThat(routed).allSatisfy(future -> assertThat(future.get().routed()).isTrue());
        assertThat(returned).allSatisfy(future -> assertThat(future.get().returnedReason()).contains("NO_ROUTE"));
        assertThat(new RabbitAdmin(connectionFactory).getQueueInfo(queue).getMessageCount()).isEqualTo(200);
    }

    @Test
    void aCopyCarryingItsOriginalsCorrelationIsPublishedWithAFreshOne() throws Exception {
        declare(queue);
        String missing = RabbitBroker.uniqueName("it.publisher.missing");
        RabbitTemplate template = new RabbitTemplate(connectionFactory);
        Object originalCorrelation;
        try (PublisherChannels channels = new PublisherChannels(connectionFactory, new PublisherSettings(Duration.ofSeconds(10), 1, 100))) {
            channels.publish("", queue, properties("original"), BODY).get(10, TimeUnit.SECONDS);
            Message original = template.receive(queue, 5_000);
            assertThat(original).isNotNull();
            originalCorrelation = original.getMessageProperties().getHeaders().get(WarrenHeaders.PUBLISH_CORRELATION);
            assertThat(originalCorrelation).isNotNull();

            // A copy republished with its original's headers, as a consumer's retry copy is, right after
            // a message of the same id that goes nowhere: each outcome must stay with its own publish.
            CompletableFuture<Confirmation> returned = channels.publish("", missing, properties("copy"), BODY);
            CompletableFuture<Confirmation> copied = channels.publish("", queue, properties("copy").builder()
                    .headers(Map.of(WarrenHeaders.PUBLISH_CORRELATION, originalCorrelation)).build(), BODY);

            assertThat(returned.get(10, TimeUnit.SECONDS).routed()).isFalse();
            assertThat(copied.get(10, TimeUnit.SECONDS).routed()).isTrue();
        }
        Message copy = template.receive(queue, 5_000);
        assertThat(copy).isNotNull();
        assertThat(copy.getMessageProperties().getHeaders().get(WarrenHeaders.PUBLISH_CORRELATION))
                .isNotNull().isNotEqualTo(originalCorrelation);
    }

    private void declare(String name) {
        cleanup.queue(name);
        new RabbitAdmin(connectionFactory).declareQueue(QueueBuilder.nonDurable(name).build());
    }

    private static AMQP.BasicProperties properties(String messageId) {
        return new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).messageId(messageId).build();
    }
}
