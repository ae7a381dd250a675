package dev.warren.testing.example;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Stands in for a remote ledger service, which can be down. */
@Component
public class Ledger {

    private final List<Invoice> recorded = new CopyOnWriteArrayList<>();
    private final AtomicInteger outage = new AtomicInteger();

    /** The next {@code calls} calls fail, as they would while the service is down. */
    public void failNext(int calls) {
        outage.set(calls);
    }

    public void record(Invoice invoice) throws IOException {
        if (outage.getAndDecrement() > 0) {
            throw new IOException("ledger unavailable");
        }
        recorded.add(invoice);
    }

    public List<Invoice> recorded() {
        return List.copyOf(recorded);
    }
}
