package dev.warren.benchmarks;

import java.util.List;

/**
 * One contender's consumer on one round's queue, created fresh for every round. Used by the
 * benchmark's main thread.
 */
interface Run extends AutoCloseable {

    /** The queues {@link #declare()} declares, to delete after the round. */
    List<String> queues();

    /** Declares the queues to consume, as this contender's users would. */
    void declare() throws Exception;

    /** Starts consuming. */
    void start() throws Exception;

    /** Checks the contender's own account of the round, after {@link #close()}. */
    default void verify() {
    }

    /** Stops consuming; messages in progress finish. */
    @Override
    void close() throws Exception;
}
