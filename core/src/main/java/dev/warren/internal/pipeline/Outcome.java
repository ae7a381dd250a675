package dev.warren.internal.pipeline;

/**
 * What the transport must do with a delivery once the pipeline is done with it.
 */
public sealed interface Outcome {

    /** Processed: acknowledge. */
    record Acknowledge() implements Outcome {
    }

    /**
     * Failed for good: move it to the dead-letter queue with the reason, then acknowledge.
     *
     * @param reason one line for operators: what failed and where
     * @param cause the failure, whose stack trace travels with the message
     * @param attempts how many attempts were made, this one included
     */
    record DeadLetter(String reason, Throwable cause, int attempts) implements Outcome {
    }

    /** The single acknowledge outcome. */
    Outcome ACKNOWLEDGE = new Acknowledge();
}
