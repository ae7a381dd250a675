package dev.warren.testing.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenSpringTest;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The README's example of testing a handler: keep the two in step. */
@WarrenSpringTest(timeScale = 0.001)   // every wait takes a thousandth: the 1-minute backoff, 60 ms
class BillingIT {

    @Autowired
    Warren warren;

    @Autowired
    WarrenHarness harness;

    @Autowired
    Ledger ledger;

    @Test
    void invoiceIsRecordedInTheLedger() {
        warren.send("invoices", new Invoice("i-1", 1999));

        assertThat(harness.awaitConsumed("invoices", Invoice.class)).isEqualTo(new Invoice("i-1", 1999));
        assertThat(ledger.recorded()).contains(new Invoice("i-1", 1999));
    }

    @Test
    void ledgerOutageIsRetriedAMinuteLater() {
        ledger.failNext(2);
        warren.send("invoices", new Invoice("i-2", 500), PublishOptions.builder().messageId("m-2").build());

        assertThat(harness.awaitRetried("invoices", "m-2", 2)).containsExactly(Duration.ofMillis(60), Duration.ofMillis(60));
        assertThat(harness.awaitFailed("invoices", IOException.class)).hasMessage("ledger unavailable");
        assertThat(harness.awaitConsumed("invoices", Invoice.class)).isEqualTo(new Invoice("i-2", 500));
    }

    @Test
    void badJsonFromAnotherServiceIsDeadLetteredWithTheReason() {
        harness.publishRaw("invoices", "{\"id\": \"i-3\", \"cents\": ");

        assertThat(harness.awaitDeadLettered("invoices")).contains("does not decode as JSON");
        assertThat(ledger.recorded()).extracting(Invoice::id).doesNotContain("i-3");
    }
}
