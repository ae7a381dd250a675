/**
 * Sample: observability and alerts. Warren's meters on a Prometheus endpoint, queue alerts as
 * application events, and the warren health component that lists them.
 */
@NullMarked
package dev.warren.samples.observability;

import org.jspecify.annotations.NullMarked;
