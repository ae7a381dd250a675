package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.internal.pipeline.Outcome;
import dev.warren.internal.pipeline.PausableConsumer;
import dev.warren.internal.pipeline.Settlement;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Threads: the container's consumer threads ({@code warren-<queue>-N}) run the handler and
 * acknowledge processed messages; a message copied to a delay or dead-letter queue is acknowledged
 * from the {@code warren-publisher-confirms} thread once its copy is confirmed. The broker I/O
 * thread never runs either. A channel lost before that acknowledgement means a redelivery: the
 * copy may be doubled, never lost.
 */
public final class RabbitConsumer implements ChannelAwareMessageListener, PausableConsumer {

    private static final Logger log = LoggerFactory.getLogger(RabbitConsumer.class);

    private static final String DEFAULT_EXCHANGE = "";

    private final HandlerPipeline pipeline;
    private final PublisherChannels publisher;
    private final Duration confirmTimeout;
    private volatile boolean running;
    /** Set by {@link #stop()}: a breaker transition applied afterwards must not start the container again. */
    private volatile boolean stopped = true;
    private final AtomicInteger pendingCopies = new AtomicInteger();
    private final SimpleMessageListenerContainer container;
    private final DefaultMessagePropertiesConverter propertiesConverter = new ToleratingPropertiesConverter();
    private final ConsumptionEvents consumption = new ConsumptionEvents();

    public RabbitConsumer(ConnectionFactory connectionFactory, HandlerPipeline pipeline, PublisherChannels publisher,
            Duration confirmTimeout, Duration shutdownTimeout) {
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
        // Come back quickly after a connection loss, then back off while the broker stays away.
        org.springframework.util.backoff.ExponentialBackOff recovery = new org.springframework.util.backoff.ExponentialBackOff(500, 2);
        recovery.setMaxInterval(10_000);
        c.setRecoveryBackOff(recovery);
        c.setTaskExecutor(new SimpleAsyncTaskExecutor("warren-" + endpoint.queue() + "-"));
        c.setBeanName("warren-" + endpoint.queue());
        // Spring AMQP reads x-death while it converts a delivery; a forged one must not stop the consumer.
        c.setMessagePropertiesConverter(propertiesConverter);
        c.setMessageListener(this);
        c.setApplicationEventPublisher(consumption);
        // Stopping (or a breaker's pause) lets running handlers finish, up to the timeout, instead of
        // closing the channel under them after Spring's 5 s, which redelivers their messages.
        c.setShutdownTimeout(shutdownTimeout.toMillis());
        c.afterPropertiesSet();
        this.container = c;
    }

    @Override
    public String queue() {
        return pipeline.endpoint().queue();
    }

    public HandlerPipeline pipeline() {
        return pipeline;
    }

    public void start() {
        stopped = false;
        running = true;
        container.start();
    }

    public void stop() {
        stopped = true;
        running = false;
        awaitPendingCopies();
        container.stop();
    }

    /** Stops taking messages while a circuit breaker is open; what was prefetched goes back to the queue. */
    @Override
    public void pause() {
        running = false;
        awaitPendingCopies();
        container.stop();
        log.info("Paused consumption from queue {}", queue());
    }

    /** Takes one message at a time, for a half-open circuit breaker's trial calls. */
    @Override
    public void resumeForTrial() {
        if (stopped) {
            return;
        }
        container.stop();
        container.setConcurrentConsumers(1);
        container.setPrefetchCount(1);
        running = true;
        container.start();
        stopAgainIfStopped();
    }

    /** Consumes again at full concurrency and prefetch. */
    @Override
    public void resume() {
        if (stopped) {
            return;
        }
        container.stop();
        container.setConcurrentConsumers(pipeline.endpoint().settings().concurrency());
        container.setPrefetchCount(pipeline.endpoint().settings().prefetch());
        running = true;
        container.start();
        stopAgainIfStopped();
        log.info("Resumed consumption from queue {}", queue());
    }

    /** A {@link #stop()} that ran while a resume started the container wins: the container ends stopped. */
    private void stopAgainIfStopped() {
        if (stopped) {
            running = false;
            container.stop();
        }
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    /**
     * Whether its container is registered with the broker, or paused on purpose: not when the
     * broker cancelled it (its queue was deleted) or its connection is lost or refused, while it
     * keeps trying to come back.
     */
    public boolean consuming() {
        return consumption.consuming();
    }

    /** Number of consumers currently registered with the broker. */
    public int activeConsumers() {
        return container.getActiveConsumerCount();
    }

    @Override
    public void onMessage(Message message, Channel channel) {
        MessageProperties properties = message.getMessageProperties();
        InboundMessage inbound = new InboundMessage(queue(), message.getBody(), properties.getContentType(),
                properties.getMessageId(), Boolean.TRUE.equals(properties.isRedelivered()), properties.getHeaders(),
                properties.getContentEncoding(), message.getBody().length,
                properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant(),
                properties.getReceivedRoutingKey());
        pipeline.deliver(inbound, new ChannelSettlement(message, channel), () -> running);
        if (!running) {
            // A pause or stop began while this message was processed, often because its own failure
            // opened the breaker, so the stopping thread may have checked for pending copies before
            // this one existed. The channel closes once this method returns: the copy must be
            // confirmed and the original acknowledged first, or the broker delivers it a second time.
            awaitPendingCopies();
        }
    }

    /**
     * Settles one delivery on its channel. A retry or dead-letter copy is published with the same
     * body and properties, and the original acknowledged once the broker confirms the copy: the
     * consumer thread does not wait for the confirm, so the original stays unacknowledged (and
     * counts against prefetch) until then, and the acknowledgement goes out from the confirm
     * thread. When the copy fails, the original is rejected without requeue (basic.reject, which
     * counts toward the delivery limit on every RabbitMQ version) so that the broker's own
     * dead-lettering moves it to the dead-letter queue.
     */
    private final class ChannelSettlement implements Settlement {
        private final Message message;
        private final Channel channel;
        private final long tag;
        private boolean acknowledged;

        ChannelSettlement(Message message, Channel channel) {
            this.message = message;
            this.channel = channel;
            this.tag = message.getMessageProperties().getDeliveryTag();
        }

        @Override
        public boolean acknowledge() {
            try {
                channel.basicAck(tag, false);
                acknowledged = true;
                return true;
            } catch (IOException | ShutdownSignalException | IllegalStateException e) {
                log.debug("Could not acknowledge a message on queue {}: {}", queue(), e.toString());
                return false;
            }
        }

        @Override
        public CompletionStage<Copy> retryLater(Outcome.Retry retry) {
            Map<String, Object> headers = DeadLetterHeaders.withHeader(message.getMessageProperties().getHeaders(),
                    WarrenHeaders.ATTEMPTS, retry.attemptsMade(), channel.getConnection().getFrameMax());
            return copy(DEFAULT_EXCHANGE, QueueSpec.delayQueueName(queue(), retry.delay()), headers);
        }

        @Override
        public CompletionStage<Copy> deadLetter(Outcome.DeadLetter deadLetter) {
            MessageProperties properties = message.getMessageProperties();
            Map<String, Object> headers = DeadLetterHeaders.of(properties.getHeaders(), deadLetter, queue(),
                    properties.getReceivedExchange(), properties.getReceivedRoutingKey(), channel.getConnection().getFrameMax());
            headers.put(WarrenHeaders.FAILURE_CLASS, deadLetter.failureClass().headerValue());
            return copy(Topology.DEAD_LETTER_EXCHANGE, queue(), headers);
        }

        @Override
        public void handBack() {
            if (running) {
                // Still consuming: return it now. A stopping consumer leaves it unacknowledged
                // instead, and closing the channel returns it once, rather than the broker handing it
                // straight back to a consumer that cannot take it.
                reject(true);
            }
        }

        private CompletionStage<Copy> copy(String exchange, String routingKey, Map<String, Object> headers) {
            MessageProperties properties = message.getMessageProperties();
            // A publisher's TTL must not expire a dead letter or cut a retry's delay short.
            AMQP.BasicProperties copy = propertiesConverter.fromMessageProperties(properties, "UTF-8").builder()
                    .headers(headers)
                    .expiration(null)
                    .deliveryMode(properties.getReceivedDeliveryMode() == MessageDeliveryMode.NON_PERSISTENT ? 1 : 2)
                    .build();
            pendingCopies.incrementAndGet();
            return publisher.publish(exchange, routingKey, copy, message.getBody()).handle((confirmation, failure) -> {
                try {
                    boolean copied = failure == null && confirmation.routed();
                    if (!copied) {
                        log.debug("Republishing message {} to '{}' / '{}' failed: {}", properties.getMessageId(), exchange,
                                routingKey, failure != null ? failure.toString() : confirmation.returnedReason());
                    }
                    if (!acknowledged) {
                        if (copied) {
                            acknowledge();
                        } else {
                            reject(false);
                        }
                    }
                    return copied ? Copy.MADE : Copy.FELL_BACK;
                } finally {
                    copySettled();
                }
            });
        }

        private void reject(boolean requeue) {
            if (acknowledged) {
                return;
            }
            try {
                channel.basicReject(tag, requeue);
            } catch (IOException | RuntimeException e) {
                // The channel closed meanwhile: the broker redelivers the original, so a copy may be doubled, never lost.
                log.warn("Could not settle a message on queue {} ({}); the broker delivers it again", queue(), e.toString());
            }
        }
    }

    private void copySettled() {
        if (pendingCopies.decrementAndGet() == 0) {
            synchronized (pendingCopies) {
                pendingCopies.notifyAll();
            }
        }
    }

    /** Waits, up to the confirm timeout, for copies still awaiting their confirm, so that stopping does not redeliver them. */
    private void awaitPendingCopies() {
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        synchronized (pendingCopies) {
            long left;
            while (pendingCopies.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(pendingCopies, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
