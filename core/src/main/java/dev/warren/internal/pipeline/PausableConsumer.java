package dev.warren.internal.pipeline;

/** A transport's consumer of one queue, as a circuit breaker pauses and resumes it. */
public interface PausableConsumer {

    /** The queue it consumes from. */
    String queue();

    /** Stops taking messages; what it holds goes back to the queue untouched. */
    void pause();

    /** Takes one message at a time, for a half-open breaker's trial calls. */
    void resumeForTrial();

    /** Consumes again at full concurrency. */
    void resume();
}
