/** Publishing options, receipts and the failures a publisher reports. */
@NullMarked
package dev.warren.publish;

import org.jspecify.annotations.NullMarked;
