/**
 * Warren's entry points: {@link dev.warren.Warren} to send and publish, {@link dev.warren.MessageContext}
 * for handlers, and {@link dev.warren.WarrenEngine} to run the engine from plain Java.
 */
@NullMarked
package dev.warren;

import org.jspecify.annotations.NullMarked;
