package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.spring.autoconfigure.internal.WarrenFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/** What the user reads when an application context fails to start because of Warren. */
final class FailedStartup {

    private FailedStartup() {
    }

    /**
     * Asserts that the context failed to start and that Warren's failure analyzer explains why.
     *
     * @return the explanation: {@code getDescription()} says what is wrong, {@code getAction()} how to fix it
     */
    static FailureAnalysis analysisOf(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new WarrenFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("Warren's failure analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }
}
