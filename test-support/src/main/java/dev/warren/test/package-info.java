/** Test support: a real RabbitMQ broker for tests, found the way users expect. */
@NullMarked
package dev.warren.test;

import org.jspecify.annotations.NullMarked;
