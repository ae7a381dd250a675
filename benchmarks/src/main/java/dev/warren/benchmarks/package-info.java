/**
 * On-demand benchmarks that compare Warren with raw amqp-client and plain Spring AMQP on the same
 * broker. Not part of the test build.
 */
@NullMarked
package dev.warren.benchmarks;

import org.jspecify.annotations.NullMarked;
