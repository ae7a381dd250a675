package dev.warren.internal.pipeline;

import dev.warren.failure.FailureClass;
import java.time.Duration;

/**
 * What the transport must do with a delivery once the pipeline is done with it.
 */
public sealed interface Outcome {

    /**
     * Done: acknowledge.
     *
     * @param duplicate whether the handler was skipped because the message was processed before
     */
    record Acknowledge(boolean duplicate) implements Outcome {
    }

    /**
     * Try again later: put a copy in the delay queue for {@code delay}, then acknowledge.
     *
     * @param delay how long to wait; one of the handler's declared delays
     * @param attemptsMade attempts made so far, recorded on the copy
     * @param failureClass why, or {@code null} when the message was not attempted (another
     *     consumer holds its idempotency claim)
     * @param reason one line for logs
     */
    record Retry(Duration delay, int attemptsMade, @org.jspecify.annotations.Nullable FailureClass failureClass,
            String reason) implements Outcome {
    }

    /**
     * Failed for good: move it to the dead-letter queue with the reason, then acknowledge.
     *
     * @param reason one line for operators: what failed and where
     * @param cause the failure, whose stack trace travels with the message
     * @param attempts how many attempts were made, this one included
     * @param failureClass permanent, or transient / unknown with the retries spent
     */
    record DeadLetter(String reason, Throwable cause, int attempts, FailureClass failureClass) implements Outcome {
    }

    /** Processed. */
    Outcome ACKNOWLEDGE = new Acknowledge(false);

    /** Skipped as a duplicate. */
    Outcome DUPLICATE = new Acknowledge(true);
}
