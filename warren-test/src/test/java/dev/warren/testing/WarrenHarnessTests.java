package dev.warren.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.failure.FailureClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/** The harness as Warren's threads feed it, without a broker. */
class WarrenHarnessTests {

    record Invoice(String id) {
    }

    private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1");
    private final WarrenHarness harness = WarrenHarness.create(connectionFactory);

    @AfterEach
    void destroyConnectionFactory() {
        connectionFactory.destroy();
    }

    @Test
    void awaitReturnsWhatAnotherThreadRecordsLater() {
        CompletableFuture.runAsync(() -> {
            harness.processed("billing", "m-0", "not an invoice", 1);
            harness.processed("billing", "m-1", new Invoice("i-1"), 1);
            harness.processed("billing", "m-2", new Invoice("i-2"), 2);
        }, CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS));

        assertThat(harness.awaitConsumed("billing", Invoice.class, 2)).containsExactly(new Invoice("i-1"), new Invoice("i-2"));
        assertThat(harness.awaitConsumed("billing", String.class)).isEqualTo("not an invoice");
    }

    @Test
    void failureIsFoundAmongTheCauses() {
        harness.failed("billing", "m-1", new UncheckedIOException(new IOException("disk full")), 1, FailureClass.TRANSIENT);

        assertThat(harness.awaitFailed("billing", IOException.class)).hasMessage("disk full");
    }

    @Test
    void retriesDeadLettersDuplicatesAndPublishesAreToldApart() {
        harness.retried("billing", "m-1", 1, Duration.ofMillis(60));
        harness.retried("billing", "m-2", 1, Duration.ofMillis(60));
        harness.retried("billing", "m-1", 2, Duration.ofMillis(120));
        harness.deadLettered("billing", "m-1", "Billing.bill threw IOException: disk full", 3);
        harness.duplicate("billing", "m-3");
        harness.published("invoice.paid", true, "m-4", new Invoice("i-4"));

        assertThat(harness.awaitRetried("billing", "m-1", 2)).containsExactly(Duration.ofMillis(60), Duration.ofMillis(120));
        assertThat(harness.awaitRetried("billing", 3)).hasSize(3);
        assertThat(harness.awaitDeadLettered("billing", "m-1")).isEqualTo("Billing.bill threw IOException: disk full");
        assertThat(harness.awaitDuplicate("billing")).isEqualTo("m-3");
        assertThat(harness.awaitPublished("invoice.paid", Invoice.class)).isEqualTo(new Invoice("i-4"));
        assertThat(harness.events()).hasSize(6);
    }

    @Test
    void timeoutListsWhatWasRecordedInstead() {
        harness.processed("billing", "m-1", new Invoice("i-1"), 1);

        assertThatThrownBy(() -> harness.within(Duration.ofMillis(100)).awaitConsumed("shipping", Invoice.class))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected 1 payload(s) of type " + Invoice.class.getName() + " consumed from shipping within 100 ms; "
                        + "recorded instead:\n  CONSUMED billing message m-1 attempt 1: Invoice[id=i-1]");
    }

    @Test
    void timeoutWithNothingRecordedSuggestsWhatIsMissing() {
        assertThatThrownBy(() -> harness.within(Duration.ofMillis(50)).awaitDeadLettered("billing"))
                .hasMessageEndingWith("recorded instead: nothing (is the harness the engine's delivery listener, and is the "
                        + "engine started?)");
    }

    @Test
    void viewsWithOtherTimeoutsShareTheEventsAndResetClearsThem() {
        WarrenHarness patient = harness.within(Duration.ofSeconds(30));
        harness.duplicate("billing", "m-1");

        assertThat(patient.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(patient.events()).hasSize(1);
        patient.reset();
        assertThat(harness.events()).isEmpty();
        assertThatThrownBy(() -> harness.within(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the harness timeout must be above zero but was PT0S");
    }

    @Test
    void rawMessageIsImmutable() {
        byte[] body = "{\"id\":".getBytes(StandardCharsets.UTF_8);
        RawMessage message = RawMessage.of(body, "text/plain").withHeader("x-source", "legacy").withMessageId("m-1");
        body[0] = 'X';
        message.body()[1] = 'Y';

        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":");
        assertThat(message.headers()).isEqualTo(Map.of("x-source", "legacy"));
        assertThat(message.withContentType(null).contentType()).isNull();
        assertThat(message).isEqualTo(RawMessage.of("{\"id\":".getBytes(StandardCharsets.UTF_8), "text/plain")
                .withHeader("x-source", "legacy").withMessageId("m-1"));
        assertThat(RawMessage.json("{}").contentType()).isEqualTo("application/json");
    }
}
