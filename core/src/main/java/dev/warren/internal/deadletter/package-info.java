/** What every transport's dead-letter operations share: reading a failure's reason, and grouping failures. Not API. */
@NullMarked
package dev.warren.internal.deadletter;

import org.jspecify.annotations.NullMarked;
