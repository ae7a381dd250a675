package dev.warren.testing.internal;

import dev.warren.testing.WarrenHarness;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Resets the harness of a {@link dev.warren.testing.WarrenSpringTest} context after each test, so
 * that the next test awaits its own events. Registered in {@code META-INF/spring.factories}; never
 * loads a context, and does nothing in contexts without a harness. Runs on the test thread.
 */
public final class HarnessResetListener implements TestExecutionListener, Ordered {

    @Override
    public void afterTestMethod(TestContext testContext) {
        if (testContext.hasApplicationContext()) {
            testContext.getApplicationContext().getBeanProvider(WarrenHarness.class).ifUnique(WarrenHarness::reset);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
