package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.topology.TopologyConflictException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns Warren's start-up failures (a conflicting queue, an invalid handler, a bad
 * {@code warren.*} property) into Spring Boot's failure report instead of a stack trace.
 */
public final class WarrenFailureAnalyzer extends AbstractFailureAnalyzer<WarrenException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WarrenException cause) {
        if (cause instanceof TopologyConflictException conflict) {
            return new FailureAnalysis("Warren could not declare its topology. " + conflict.getMessage(),
                    "Make the broker's declaration of '" + conflict.objectName()
                            + "' and Warren's agree, as described above, then restart the application.",
                    cause);
        }
        return new FailureAnalysis("Warren could not start: " + cause.getMessage(),
                "Correct the handler method or the warren.* property named above.", cause);
    }
}
