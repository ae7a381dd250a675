/**
 * Sample: delivery guarantees. Metrics are consumed at most once (a crash loses the reading in
 * hand), orders at least once (a crash means redelivery).
 */
@NullMarked
package dev.warren.samples.delivery;

import org.jspecify.annotations.NullMarked;
