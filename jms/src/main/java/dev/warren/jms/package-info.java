/**
 * Warren over Jakarta Messaging: the same handlers and pipeline on a JMS provider.
 */
@org.jspecify.annotations.NullMarked
package dev.warren.jms;
