/**
 * Sample: a pipeline of queues. An upload goes through resize, compress, watermark and notify, each
 * stage a handler on its own queue, so that each scales, retries and is measured on its own.
 */
@NullMarked
package dev.warren.samples.images;

import org.jspecify.annotations.NullMarked;
