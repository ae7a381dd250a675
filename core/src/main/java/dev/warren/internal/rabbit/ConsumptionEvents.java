package dev.warren.internal.rabbit;

import org.springframework.amqp.rabbit.listener.ConsumeOkEvent;
import org.springframework.amqp.rabbit.listener.ListenerContainerConsumerFailedEvent;
import org.springframework.amqp.rabbit.listener.MissingQueueEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Hears a listener container's consumer events and remembers whether it is registered with the
 * broker: a consumer the broker cancelled (its queue was deleted), whose connection was lost or
 * refused, or whose queue is missing publishes a failure or missing-queue event and keeps trying;
 * it counts as consuming again once the broker confirms a new registration ({@code consume-ok}).
 * A container stopped on purpose (a pause, a stop) publishes neither, so its state stays as it was.
 *
 * <p>Threads: the container's consumer threads and the broker I/O thread publish; anyone reads.
 */
final class ConsumptionEvents implements ApplicationEventPublisher {

    private volatile boolean consuming = true;

    @Override
    public void publishEvent(Object event) {
        if (event instanceof ConsumeOkEvent) {
            consuming = true;
        } else if (event instanceof ListenerContainerConsumerFailedEvent || event instanceof MissingQueueEvent) {
            consuming = false;
        }
    }

    /** Whether no failure was heard since the last registration with the broker (or since creation). */
    boolean consuming() {
        return consuming;
    }
}
