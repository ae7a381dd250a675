/** Retry policies: attempts, exponential backoff and which failures are retried. */
@NullMarked
package dev.warren.retry;

import org.jspecify.annotations.NullMarked;
