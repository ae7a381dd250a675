package dev.warren.testing.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import org.junit.jupiter.api.Test;

/** The README's example of testing a handler without Spring Boot: keep the two in step. */
@WarrenTest(timeScale = 0.001)
class BillingEngineIT {
    @Test
    void badJsonIsDeadLettered(TestBroker broker, WarrenHarness harness) {
        broker.start(new Billing(new Ledger()));
        harness.publishRaw("invoices", "{\"id\": ");
        assertThat(harness.awaitDeadLettered("invoices")).contains("does not decode as JSON");
    }
}
