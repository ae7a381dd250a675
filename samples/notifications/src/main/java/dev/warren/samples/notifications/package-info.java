/**
 * Sample: fan-out. The API publishes each notification to one topic and answers at once; a push,
 * an email and an SMS group each get their own copy, send on their own channel and retry on their own.
 */
@NullMarked
package dev.warren.samples.notifications;

import org.jspecify.annotations.NullMarked;
