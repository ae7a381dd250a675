package dev.warren.internal.pipeline;

import dev.warren.consumer.ConsumerState;
import dev.warren.internal.handler.HandlerEndpoint;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How every engine tells a consumer's state, whatever its transport. */
public final class ConsumerStates {

    private ConsumerStates() {
    }

    /**
     * The state of one consumer. A breaker that is not closed pauses its consumers on purpose,
     * which is not a fault even while the pause or the resume is still under way.
     *
     * @param engineRunning whether its engine runs
     * @param breakerState its circuit breaker's state (CLOSED, OPEN, HALF_OPEN...), or {@code null} without one
     * @param consuming whether the transport's consumer takes messages
     * @return the state
     */
    public static ConsumerState of(boolean engineRunning, @Nullable String breakerState, boolean consuming) {
        if (!engineRunning) {
            return ConsumerState.NOT_CONSUMING;
        }
        if (breakerState != null && !breakerState.equals("CLOSED")) {
            return ConsumerState.PAUSED;
        }
        return consuming ? ConsumerState.RUNNING : ConsumerState.NOT_CONSUMING;
    }

    /**
     * The state of a handler's consumer, its breaker looked up by name.
     *
     * @param engineRunning whether its engine runs
     * @param breakerStates every breaker's state by name, as {@link BreakerGate#states()} gives them
     * @param endpoint the handler
     * @param consuming whether the transport's consumer takes messages
     * @return the state
     */
    public static ConsumerState of(boolean engineRunning, Map<String, String> breakerStates, HandlerEndpoint endpoint,
            boolean consuming) {
        String breaker = endpoint.settings().circuitBreaker();
        return of(engineRunning, breaker == null ? null : breakerStates.get(breaker), consuming);
    }
}
