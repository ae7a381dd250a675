/**
 * The JMS transport's internals: consumers, delay-queue movers, the publisher and dead-letter
 * operations. Not API.
 */
@org.jspecify.annotations.NullMarked
package dev.warren.jms.internal;
