/**
 * Sample: fan out an event to many services. {@code POST /users} publishes {@code user.created};
 * four subscriber groups each get their own copy, and a fifth is one more annotated method.
 */
@NullMarked
package dev.warren.samples.fanout;

import org.jspecify.annotations.NullMarked;
