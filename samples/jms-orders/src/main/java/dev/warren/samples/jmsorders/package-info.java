/**
 * Sample: Warren on JMS. {@code POST /orders} publishes {@code order.placed}; two subscriber groups
 * handle it on an embedded ActiveMQ Artemis, chosen by {@code warren.transport: jms}, and an
 * invalid order waits in the dead-letter queue with its reason.
 */
@NullMarked
package dev.warren.samples.jmsorders;

import org.jspecify.annotations.NullMarked;
