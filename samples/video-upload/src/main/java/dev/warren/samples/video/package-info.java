/**
 * Sample: offload slow work from a request. The API saves the upload, queues a job and answers
 * 202 at once; competing workers run the slow steps.
 */
@NullMarked
package dev.warren.samples.video;

import org.jspecify.annotations.NullMarked;
