package dev.warren.test;

import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Deletes what a test declared, so that no later run trips over it. Register names as you create
 * them and call {@link #close()} after the test (it is {@link AutoCloseable} for try-with-resources
 * and JUnit's {@code @AutoClose}).
 *
 * <pre>{@code
 * RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
 * cleanup.queue(queue).queue(queue + ".dlq").exchange(topic);
 * }</pre>
 *
 * @since 0.1
 */
public final class RabbitCleanup implements AutoCloseable {

    private final RabbitAdmin admin;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    /**
     * Creates a cleanup on a connection factory.
     *
     * @param connectionFactory the factory to delete through
     */
    public RabbitCleanup(ConnectionFactory connectionFactory) {
        this.admin = new RabbitAdmin(connectionFactory);
    }

    /**
     * Registers a queue to delete.
     *
     * @param name the queue
     * @return this
     */
    public synchronized RabbitCleanup queue(String name) {
        queues.add(name);
        return this;
    }

    /**
     * Registers a Warren work queue with its dead-letter queue.
     *
     * @param name the work queue
     * @return this
     */
    public synchronized RabbitCleanup workQueue(String name) {
        return queue(name).queue(name + ".dlq");
    }

    /**
     * Registers queues to delete, such as every queue of a topology.
     *
     * @param names the queues
     * @return this
     */
    public synchronized RabbitCleanup queues(java.util.Collection<String> names) {
        names.forEach(this::queue);
        return this;
    }

    /**
     * Registers an exchange to delete.
     *
     * @param name the exchange
     * @return this
     */
    public synchronized RabbitCleanup exchange(String name) {
        exchanges.add(name);
        return this;
    }

    /** Deletes everything registered. */
    @Override
    public synchronized void close() {
        new java.util.LinkedHashSet<>(queues).forEach(admin::deleteQueue);
        exchanges.forEach(admin::deleteExchange);
        queues.clear();
        exchanges.clear();
    }
}
