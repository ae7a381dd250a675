package dev.warren.benchmarks;

/**
 * The payload of every benchmark: an order-like event whose JSON encoding is about 1 KB.
 *
 * @param id a unique id
 * @param sequence the message's number within its round
 * @param customer a customer id
 * @param status a short status
 * @param quantity an item count
 * @param createdAtMillis a timestamp
 * @param notes filler that brings the message to about 1 KB
 */
record BenchmarkEvent(String id, long sequence, String customer, String status, int quantity, long createdAtMillis,
        String notes) {

    private static final String NOTES = "Deliver to the loading dock at the rear of the building. ".repeat(16);

    static BenchmarkEvent numbered(long sequence) {
        return new BenchmarkEvent("order-" + sequence, sequence, "customer-4711", "PLACED", 3, 1_700_000_000_000L + sequence,
                NOTES);
    }
}
