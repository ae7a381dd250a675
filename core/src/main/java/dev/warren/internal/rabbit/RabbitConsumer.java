package dev.warren.internal.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.internal.pipeline.Outcome;
import dev.warren.publish.PublishException;
import dev.warren.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Runs one handler's pipeline on a spring-rabbit listener container with manual acknowledgement,
 * and settles each delivery as the pipeline decides.
 *
 * <p>Threads: the container's consumer threads ({@code warren-<queue>-N}) run the handler and the
 * settlement; the broker I/O thread never does.
 */
public final class RabbitConsumer implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(RabbitConsumer.class);

    private final HandlerPipeline pipeline;
    private final PublisherChannels publisher;
    private final Duration confirmTimeout;
    private final SimpleMessageListenerContainer container;
    private final DefaultMessagePropertiesConverter propertiesConverter = new DefaultMessagePropertiesConverter();

    public RabbitConsumer(ConnectionFactory connectionFactory, HandlerPipeline pipeline, PublisherChannels publisher,
            Duration confirmTimeout) {
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.confirmTimeout = confirmTimeout;
        HandlerEndpoint endpoint = pipeline.endpoint();
        SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(connectionFactory);
        c.setQueueNames(endpoint.queue());
        c.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        c.setConcurrentConsumers(endpoint.settings().concurrency());
        c.setPrefetchCount(endpoint.settings().prefetch());
        c.setDefaultRequeueRejected(false);
        // Warren declares the queue itself; if it vanishes the consumer waits for it instead of stopping.
        c.setMissingQueuesFatal(false);
        c.setTaskExecutor(new SimpleAsyncTaskExecutor("warren-" + endpoint.queue() + "-"));
        c.setBeanName("warren-" + endpoint.queue());
        c.setMessageListener(this);
        c.afterPropertiesSet();
        this.container = c;
    }

    public String queue() {
        return pipeline.endpoint().queue();
    }

    public void start() {
        container.start();
    }

    public void stop() {
        container.stop();
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    /** Number of consumers currently registered with the broker. */
    public int activeConsumers() {
        return container.getActiveConsumerCount();
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        MessageProperties properties = message.getMessageProperties();
        InboundMessage inbound = new InboundMessage(queue(), message.getBody(), properties.getContentType(),
                properties.getMessageId(), Boolean.TRUE.equals(properties.isRedelivered()), properties.getHeaders());
        Outcome outcome = pipeline.process(inbound);
        long tag = properties.getDeliveryTag();
        if (outcome instanceof Outcome.DeadLetter deadLetter) {
            deadLetter(message, channel, deadLetter);
        } else {
            channel.basicAck(tag, false);
        }
    }

    /**
     * Republishes the message to the dead-letter queue with the reason, and acknowledges the
     * original only once the broker confirmed the copy. Should the copy fail, the original is
     * rejected without requeue, so the broker's own dead-lettering still moves it to the same queue.
     */
    private void deadLetter(Message message, Channel channel, Outcome.DeadLetter deadLetter) throws IOException {
        MessageProperties properties = message.getMessageProperties();
        long tag = properties.getDeliveryTag();
        String queue = queue();
        Map<String, Object> headers = DeadLetterHeaders.of(properties.getHeaders(), deadLetter, queue,
                properties.getReceivedExchange(), properties.getReceivedRoutingKey(), channel.getConnection().getFrameMax());
        AMQP.BasicProperties copy = propertiesConverter.fromMessageProperties(properties, "UTF-8").builder()
                .headers(headers)
                .deliveryMode(properties.getReceivedDeliveryMode() == MessageDeliveryMode.NON_PERSISTENT ? 1 : 2)
                .build();
        try {
            Confirmation confirmation = publisher.publish(Topology.DEAD_LETTER_EXCHANGE, queue, copy, message.getBody())
                    .get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!confirmation.routed()) {
                throw new IOException("the dead-letter queue is missing: " + confirmation.returnedReason());
            }
            channel.basicAck(tag, false);
            log.warn("Dead-lettered message {} from queue {} to {}.dlq after {} attempt(s): {}", properties.getMessageId(),
                    queue, queue, deadLetter.attempts(), deadLetter.reason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rejectToBroker(channel, tag, properties.getMessageId(), deadLetter, e);
        } catch (ExecutionException | TimeoutException | IOException | PublishException e) {
            rejectToBroker(channel, tag, properties.getMessageId(), deadLetter, e.getCause() != null ? e.getCause() : e);
        }
    }

    private void rejectToBroker(Channel channel, long tag, String messageId, Outcome.DeadLetter deadLetter,
            Throwable failure) throws IOException {
        // basic.reject (not nack) so that the broker's dead-lettering applies on every RabbitMQ version.
        channel.basicReject(tag, false);
        log.error("Could not republish message {} from queue {} with its failure reason ({}); the broker dead-letters "
                + "it to {}.dlq without the reason headers. Handler failure: {}", messageId, queue(),
                failure.getMessage(), queue(), deadLetter.reason());
    }
}
