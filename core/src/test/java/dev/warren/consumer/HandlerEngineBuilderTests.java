package dev.warren.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.internal.pipeline.EngineOptions;
import dev.warren.protection.CircuitBreakerSettings;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HandlerEngineBuilderTests {

    /** A transport's builder: its own option stays callable after any shared one. */
    static final class TransportBuilder extends HandlerEngineBuilder<TransportBuilder> {

        private String transportOption = "";

        TransportBuilder transportOption(String value) {
            this.transportOption = value;
            return this;
        }

        EngineOptions snapshot() {
            return options();
        }
    }

    @Test
    void sharedOptionsReturnTheTransportsBuilderSoItsOwnOptionsChainAfterThem() {
        TransportBuilder builder = new TransportBuilder().handlers(new Object()).timeScale(0.01).transportOption("x");

        assertThat(builder.transportOption).isEqualTo("x");
    }

    @Test
    void handlersKeepTheOrderTheyWereAddedInAndLaterAdditionsDoNotChangeASnapshot() {
        Object first = new Object();
        String second = "second";
        TransportBuilder builder = new TransportBuilder().handlers(first).handler(second, CharSequence.class);

        EngineOptions options = builder.snapshot();
        builder.handlers(new Object());

        assertThat(options.handlers()).containsExactly(
                java.util.Map.entry(first, Object.class), java.util.Map.entry(second, CharSequence.class));
    }

    @Test
    void withoutAStoreIdempotentHandlersGetAnInMemoryOne() {
        IdempotencyStore configured = new InMemoryIdempotencyStore(10, Clock.systemUTC());

        assertThat(new TransportBuilder().snapshot().idempotencyStore()).isInstanceOf(InMemoryIdempotencyStore.class);
        assertThat(new TransportBuilder().idempotencyStore(configured).snapshot().idempotencyStore()).isSameAs(configured);
    }

    @Test
    void aBreakerIsConfiguredByNameElseByTheResolverElseByTheDefaultsWithItsWaitScaled() {
        CircuitBreakerSettings named = CircuitBreakerSettings.DEFAULTS.withWaitInOpen(Duration.ofSeconds(10));
        CircuitBreakerSettings resolved = CircuitBreakerSettings.DEFAULTS.withWaitInOpen(Duration.ofSeconds(20));
        CircuitBreakerSettings defaults = CircuitBreakerSettings.DEFAULTS.withWaitInOpen(Duration.ofSeconds(30));
        EngineOptions options = new TransportBuilder().circuitBreaker("payments", named).circuitBreakerDefaults(defaults)
                .timeScale(0.1).snapshot();

        assertThat(options.breakerSettingsFor("payments", name -> resolved).waitInOpen()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.breakerSettingsFor("mail", name -> resolved).waitInOpen()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.breakerSettingsFor("mail", name -> null).waitInOpen()).isEqualTo(Duration.ofSeconds(3));
    }
}
