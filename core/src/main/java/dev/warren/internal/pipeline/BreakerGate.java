package dev.warren.internal.pipeline;

import dev.warren.internal.Threads;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.protection.CircuitBreakerTransition;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of an engine and the consumers behind each: pauses the consumers when their
 * breaker opens, lets one consumer per queue take trial messages when it is half-open, and resumes
 * them at full concurrency when it closes.
 *
 * <p>Threads: breaker transitions happen on consumer threads and resilience4j's timer; the
 * containers are stopped and started on the single {@code warren-circuit-breaker} thread, because a
 * consumer thread cannot wait for its own container to stop.
 */
public final class BreakerGate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BreakerGate.class);

    private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
    private final Map<String, List<PausableConsumer>> consumers = new LinkedHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(Threads.named("warren-circuit-breaker"));
    private final BooleanSupplier engineRunning;
    private final java.util.function.Consumer<CircuitBreakerTransition> listener;

    public BreakerGate(BooleanSupplier engineRunning, java.util.function.Consumer<CircuitBreakerTransition> listener) {
        this.engineRunning = engineRunning;
        this.listener = listener;
    }

    /** The breaker of a name, created from the settings on first use. */
    public synchronized CircuitBreaker breaker(String name, CircuitBreakerSettings settings) {
        return breakers.computeIfAbsent(name, n -> {
            CircuitBreaker breaker = CircuitBreaker.of(n, config(settings));
            breaker.getEventPublisher().onStateTransition(event -> executor.execute(() -> apply(n, event.getStateTransition())));
            return breaker;
        });
    }

    /** Puts a consumer behind a breaker. */
    public synchronized void guard(String breaker, PausableConsumer consumer) {
        consumers.computeIfAbsent(breaker, n -> new ArrayList<>()).add(consumer);
    }

    /** Forgets the consumers, for a restart of the engine; the breakers keep their state. */
    public synchronized void clearConsumers() {
        consumers.clear();
    }

    /** The state of every breaker: CLOSED, OPEN, HALF_OPEN. */
    public synchronized Map<String, String> states() {
        Map<String, String> states = new LinkedHashMap<>();
        breakers.forEach((name, breaker) -> states.put(name, breaker.getState().name()));
        return states;
    }

    private void apply(String name, CircuitBreaker.StateTransition transition) {
        List<PausableConsumer> guarded;
        synchronized (this) {
            guarded = List.copyOf(consumers.getOrDefault(name, List.of()));
        }
        if (!engineRunning.getAsBoolean()) {
            return;
        }
        List<String> queues = guarded.stream().map(PausableConsumer::queue).toList();
        switch (transition.getToState()) {
            case OPEN, FORCED_OPEN -> {
                log.warn("Circuit breaker '{}' opened ({}): pausing consumption from {}; messages wait in their queues",
                        name, transition, queues);
                guarded.forEach(PausableConsumer::pause);
            }
            case HALF_OPEN -> {
                log.info("Circuit breaker '{}' is half-open: trying messages from {} one at a time", name, queues);
                guarded.forEach(PausableConsumer::resumeForTrial);
            }
            case CLOSED -> {
                log.info("Circuit breaker '{}' closed: consuming from {} again", name, queues);
                guarded.forEach(PausableConsumer::resume);
            }
            default -> log.info("Circuit breaker '{}' went {}", name, transition);
        }
        try {
            listener.accept(new CircuitBreakerTransition(name, transition.getFromState().name(), transition.getToState().name(),
                    queues, java.time.Instant.now()));
        } catch (RuntimeException e) {
            log.warn("A circuit breaker listener failed on '{}' going {}", name, transition, e);
        }
    }

    static CircuitBreakerConfig config(CircuitBreakerSettings settings) {
        CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(settings.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(settings.trialCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true);
        if (settings.failureRate() > 0) {
            builder.slidingWindowSize(settings.windowSize()).minimumNumberOfCalls(settings.windowSize())
                    .failureRateThreshold(settings.failureRate());
        } else {
            // N consecutive failures: the last N calls all failed.
            builder.slidingWindowSize(settings.failureThreshold()).minimumNumberOfCalls(settings.failureThreshold())
                    .failureRateThreshold(100);
        }
        if (settings.slowCallDuration() != null) {
            builder.slowCallDurationThreshold(settings.slowCallDuration()).slowCallRateThreshold(settings.slowCallRate());
        } else {
            builder.slowCallDurationThreshold(Duration.ofDays(365)).slowCallRateThreshold(100);
        }
        if (!settings.failureExceptions().isEmpty()) {
            builder.ignoreException(failure -> settings.failureExceptions().stream().noneMatch(type -> type.isInstance(failure)));
        }
        return builder.build();
    }

    @Override
    public void close() {
        Threads.shutdown(executor, Duration.ofSeconds(10));
    }
}
