package dev.warren.samples.delivery;

/**
 * A sensor reading: cheap, frequent, worthless when late. On the wire:
 * {@code {"reading_id":"r-1","metric":"cpu","value":0.93}}.
 *
 * @param readingId identifies the reading
 * @param metric what was measured
 * @param value the measurement
 */
public record MetricReading(String readingId, String metric, double value) {
}
