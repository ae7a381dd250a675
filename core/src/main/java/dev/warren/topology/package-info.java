/** The RabbitMQ topology Warren derives from the handlers and declares at start-up. */
@NullMarked
package dev.warren.topology;

import org.jspecify.annotations.NullMarked;
