package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.internal.TimeScale;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.retry.RetryPolicy;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/** Time scale: tests shrink backoffs and breaker waits without changing the application. */
class TimeScaleTests {

    record Invoice(String id) {
    }

    static class Billing {
        @Consumer(queue = "billing", retry = @Retry(maxAttempts = 4, backoff = "1m", multiplier = 2, maxBackoff = "3m"))
        void bill(Invoice invoice) {
        }
    }

    private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1");

    @AfterEach
    void destroyConnectionFactory() {
        connectionFactory.destroy();
    }

    @Test
    void aMinuteAtAThousandthIsSixtyMilliseconds() {
        TimeScale scale = TimeScale.of(0.001);

        assertThat(scale.scale(Duration.ofMinutes(1))).isEqualTo(Duration.ofMillis(60));
        assertThat(scale.scale(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1));
        assertThat(scale.scale(Duration.ofMillis(200))).as("never below 1 ms").isEqualTo(Duration.ofMillis(1));
        assertThat(TimeScale.of(1).scale(Duration.ofMillis(1234))).isEqualTo(Duration.ofMillis(1234));
    }

    @Test
    void retryPolicyKeepsAttemptsMultiplierAndErrorClassesAndScalesItsBackoffs() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).backoff(Duration.ofSeconds(10)).multiplier(3)
                .maxBackoff(Duration.ofMinutes(5)).jitter(0.2).permanent(IllegalArgumentException.class).build();

        RetryPolicy scaled = TimeScale.of(0.01).scale(policy);

        assertThat(scaled.backoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(scaled.maxBackoff()).isEqualTo(Duration.ofSeconds(3));
        assertThat(scaled.toBuilder().backoff(policy.backoff()).maxBackoff(policy.maxBackoff()).build()).isEqualTo(policy);
        assertThat(scaled.delayAfter(3)).isEqualTo(Duration.ofMillis(900));
    }

    @Test
    void breakerWaitInOpenIsScaledAndNothingElse() {
        CircuitBreakerSettings settings = CircuitBreakerSettings.DEFAULTS.withWaitInOpen(Duration.ofMinutes(2));

        CircuitBreakerSettings scaled = TimeScale.of(0.001).scale(settings);

        assertThat(scaled).isEqualTo(settings.withWaitInOpen(Duration.ofMillis(120)));
    }

    @Test
    void engineScalesEveryHandlersRetriesAndNamesDelayQueuesAfterTheScaledDelays() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new Billing())
                // Configuration's word counts too: it sets the backoff to 2 minutes, which is then scaled.
                .consumerCustomizer((name, settings) -> settings.withRetry(
                        settings.retry().toBuilder().backoff(Duration.ofMinutes(2)).build()))
                .timeScale(0.001)
                .build()) {
            ConsumerSettings settings = engine.consumerSettings().get("billing");

            assertThat(settings.retry().backoff()).isEqualTo(Duration.ofMillis(120));
            assertThat(settings.retry().maxBackoff()).isEqualTo(Duration.ofMillis(180));
            assertThat(settings.retry().maxAttempts()).isEqualTo(4);
            assertThat(engine.topology().queues()).extracting(QueueSpec::name)
                    .containsExactlyInAnyOrder("billing", "billing.dlq", "billing.retry.120ms", "billing.retry.180ms");
        }
    }

    @Test
    void engineWithoutTimeScaleKeepsRealTime() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new Billing()).build()) {
            assertThat(engine.topology().queues()).extracting(QueueSpec::name)
                    .containsExactlyInAnyOrder("billing", "billing.dlq", "billing.retry.1m", "billing.retry.2m",
                            "billing.retry.3m");
        }
    }

    @Test
    void aFactorOutsideZeroToOneIsRejectedWithTheFix() {
        assertThatThrownBy(() -> WarrenEngine.builder(connectionFactory).timeScale(0))
                .isInstanceOf(WarrenException.class)
                .hasMessage("time scale must be above 0 and at most 1 but was 0.0; use 1 for real time, 0.001 to turn a "
                        + "minute into 60 ms");
        assertThatThrownBy(() -> WarrenEngine.builder(connectionFactory).timeScale(2)).isInstanceOf(WarrenException.class);
        assertThatThrownBy(() -> WarrenEngine.builder(connectionFactory).timeScale(Double.NaN)).isInstanceOf(WarrenException.class);
    }
}
