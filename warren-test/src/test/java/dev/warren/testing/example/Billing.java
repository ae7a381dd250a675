package dev.warren.testing.example;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import java.io.IOException;
import org.springframework.stereotype.Component;

/** The handler under test: a ledger outage is retried a minute later, twice. */
@Component
public class Billing {

    private final Ledger ledger;

    public Billing(Ledger ledger) {
        this.ledger = ledger;
    }

    @Consumer(queue = "invoices", retry = @Retry(maxAttempts = 3, backoff = "1m"))
    void bill(Invoice invoice) throws IOException {
        ledger.record(invoice);
    }
}
