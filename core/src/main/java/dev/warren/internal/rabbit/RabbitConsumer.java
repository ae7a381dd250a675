package dev.warren.internal.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.annotation.Delivery;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.internal.pipeline.Outcome;
import dev.warren.publish.PublishException;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * and settles each delivery as the pipeline decides: acknowledge, copy to a delay queue for a
 * retry, or copy to the dead-letter queue. A copy is always confirmed by the broker before the
 * original is acknowledged, so a message is never in neither place.
 *
 * <p>Threads: the container's consumer threads ({@code warren-<queue>-N}) run the handler and the
 * settlement; the broker I/O thread never does.
 */
public final class RabbitConsumer implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(RabbitConsumer.class);

    /** Header of a dead-lettered copy: permanent, transient or unknown. */
    public static final String FAILURE_CLASS_HEADER = "x-warren-failure-class";

    private static final String DEFAULT_EXCHANGE = "";

    private final HandlerPipeline pipeline;
    private final PublisherChannels publisher;
    private final Duration confirmTimeout;
    private final boolean ackFirst;
    private volatile boolean running;
    private final SimpleMessageListenerContainer container;
    private final DefaultMessagePropertiesConverter propertiesConverter = new DefaultMessagePropertiesConverter();

    public RabbitConsumer(ConnectionFactory connectionFactory, HandlerPipeline pipeline, PublisherChannels publisher,
            Duration confirmTimeout) {
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.confirmTimeout = confirmTimeout;
        HandlerEndpoint endpoint = pipeline.endpoint();
        this.ackFirst = endpoint.settings().delivery() == Delivery.AT_MOST_ONCE;
        SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(connectionFactory);
        c.setQueueNames(endpoint.queue());
        c.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        c.setConcurrentConsumers(endpoint.settings().concurrency());
        c.setPrefetchCount(endpoint.settings().prefetch());
        c.setDefaultRequeueRejected(false);
        // Warren declares the queue itself; if it vanishes the consumer waits for it instead of stopping.
        c.setMissingQueuesFatal(false);
        // Come back quickly after a connection loss, then back off while the broker stays away.
        org.springframework.util.backoff.ExponentialBackOff recovery = new org.springframework.util.backoff.ExponentialBackOff(500, 2);
        recovery.setMaxInterval(10_000);
        c.setRecoveryBackOff(recovery);
        c.setTaskExecutor(new SimpleAsyncTaskExecutor("warren-" + endpoint.queue() + "-"));
        c.setBeanName("warren-" + endpoint.queue());
        c.setMessageListener(this);
        c.afterPropertiesSet();
        this.container = c;
    }

    public String queue() {
        return pipeline.endpoint().queue();
    }

    public HandlerPipeline pipeline() {
        return pipeline;
    }

    public void start() {
        running = true;
        container.start();
    }

    public void stop() {
        running = false;
        container.stop();
    }

    /** Stops taking messages while a circuit breaker is open; what was prefetched goes back to the queue. */
    public void pause() {
        running = false;
        container.stop();
        log.info("Paused consumption from queue {}", queue());
    }

    /** Takes one message at a time, for a half-open circuit breaker's trial calls. */
    public void resumeForTrial() {
        container.stop();
        container.setConcurrentConsumers(1);
        container.setPrefetchCount(1);
        running = true;
        container.start();
    }

    /** Consumes again at full concurrency and prefetch. */
    public void resume() {
        container.stop();
        container.setConcurrentConsumers(pipeline.endpoint().settings().concurrency());
        container.setPrefetchCount(pipeline.endpoint().settings().prefetch());
        running = true;
        container.start();
        log.info("Resumed consumption from queue {}", queue());
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
        long tag = properties.getDeliveryTag();
        if (!pipeline.admits()) {
            // The circuit breaker is open and this consumer is being paused: the message goes back untouched.
            channel.basicReject(tag, true);
            return;
        }
        if (!pipeline.awaitPermit(() -> running)) {
            pipeline.releaseAdmission();
            channel.basicReject(tag, true);
            return;
        }
        if (ackFirst) {
            // At-most-once: the broker forgets the message before the handler runs.
            channel.basicAck(tag, false);
        }
        InboundMessage inbound = new InboundMessage(queue(), message.getBody(), properties.getContentType(),
                properties.getMessageId(), Boolean.TRUE.equals(properties.isRedelivered()), properties.getHeaders());
        Outcome outcome = pipeline.process(inbound);
        if (outcome instanceof Outcome.Retry retry) {
            retry(message, channel, retry);
        } else if (outcome instanceof Outcome.DeadLetter deadLetter) {
            deadLetter(message, channel, deadLetter);
        } else if (!ackFirst) {
            channel.basicAck(tag, false);
        }
    }

    private void retry(Message message, Channel channel, Outcome.Retry retry) throws IOException {
        MessageProperties properties = message.getMessageProperties();
        Map<String, Object> headers = new LinkedHashMap<>(properties.getHeaders());
        headers.put(DeadLetterHeaders.ATTEMPTS, retry.attemptsMade());
        String delayQueue = QueueSpec.delayQueueName(queue(), retry.delay());
        if (republish(message, channel, DEFAULT_EXCHANGE, delayQueue, headers)) {
            pipeline.stats().retried();
            log.debug("Message {} on queue {} waits {} in {} ({})", properties.getMessageId(), queue(), retry.delay(),
                    delayQueue, retry.reason());
        } else {
            log.error("Could not put message {} from queue {} into its delay queue {}; the broker dead-letters it to "
                    + "{}.dlq instead of retrying it. Failure: {}", properties.getMessageId(), queue(), delayQueue, queue(),
                    retry.reason());
        }
    }

    private void deadLetter(Message message, Channel channel, Outcome.DeadLetter deadLetter) throws IOException {
        MessageProperties properties = message.getMessageProperties();
        Map<String, Object> headers = DeadLetterHeaders.of(properties.getHeaders(), deadLetter, queue(),
                properties.getReceivedExchange(), properties.getReceivedRoutingKey(), channel.getConnection().getFrameMax());
        headers.put(FAILURE_CLASS_HEADER, deadLetter.failureClass().headerValue());
        if (republish(message, channel, Topology.DEAD_LETTER_EXCHANGE, queue(), headers)) {
            pipeline.stats().deadLettered();
            log.warn("Dead-lettered message {} from queue {} to {} after {} attempt(s), {} failure: {}",
                    properties.getMessageId(), queue(), QueueSpec.deadLetterQueueName(queue()), deadLetter.attempts(),
                    deadLetter.failureClass().headerValue(), deadLetter.reason());
        } else {
            log.error("Could not republish message {} from queue {} with its failure reason; the broker dead-letters it to "
                    + "{}.dlq without the reason headers. Handler failure: {}", properties.getMessageId(), queue(), queue(),
                    deadLetter.reason());
        }
    }

    /**
     * Publishes a copy with the same body and properties and the given headers, waits for the
     * confirm, then acknowledges the original. When the copy fails, rejects the original without
     * requeue (basic.reject, which counts toward the delivery limit on every RabbitMQ version) so
     * that the broker's own dead-lettering moves it to the dead-letter queue.
     *
     * @return whether the copy was confirmed
     */
    private boolean republish(Message message, Channel channel, String exchange, String routingKey,
            Map<String, Object> headers) throws IOException {
        MessageProperties properties = message.getMessageProperties();
        long tag = properties.getDeliveryTag();
        AMQP.BasicProperties copy = propertiesConverter.fromMessageProperties(properties, "UTF-8").builder()
                .headers(headers)
                .deliveryMode(properties.getReceivedDeliveryMode() == MessageDeliveryMode.NON_PERSISTENT ? 1 : 2)
                .build();
        try {
            Confirmation confirmation = publisher.publish(exchange, routingKey, copy, message.getBody())
                    .get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!confirmation.routed()) {
                throw new IOException("no queue took the copy: " + confirmation.returnedReason());
            }
            if (!ackFirst) {
                channel.basicAck(tag, false);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.debug("Interrupted while republishing", e);
        } catch (ExecutionException | TimeoutException | IOException | PublishException e) {
            log.debug("Republishing message {} to '{}' / '{}' failed", properties.getMessageId(), exchange, routingKey, e);
        }
        if (!ackFirst) {
            channel.basicReject(tag, false);
        }
        return false;
    }
}
