/**
 * Sample: poison messages. Orders that hit a bug are retried three times and wait in the
 * dead-letter queue with the reason; after the fix the operator replays them through the warren
 * Actuator endpoint, and discards the invalid ones with a reason.
 */
@NullMarked
package dev.warren.samples.poison;

import org.jspecify.annotations.NullMarked;
