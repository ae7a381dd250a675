package dev.warren.internal.pipeline;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A delivered message as the pipeline sees it, whatever transport brought it.
 *
 * @param queue the queue it was consumed from
 * @param body the body, untouched
 * @param contentType the declared content type, if any
 * @param messageId the message id, if any
 * @param redelivered whether the broker flagged it as redelivered
 * @param headers the application headers
 */
public record InboundMessage(
        String queue,
        byte[] body,
        @Nullable String contentType,
        @Nullable String messageId,
        boolean redelivered,
        Map<String, Object> headers) {

    /** Header that carries how many attempts were made before this delivery. */
    public static final String ATTEMPTS_HEADER = "x-warren-attempts";

    /** Which attempt this delivery is: one more than the attempts recorded in the header. */
    public int attempt() {
        Object recorded = headers.get(ATTEMPTS_HEADER);
        if (recorded instanceof Number n && n.longValue() >= 0 && n.longValue() < Integer.MAX_VALUE) {
            return n.intValue() + 1;
        }
        if (recorded != null) {
            try {
                int parsed = Integer.parseInt(recorded.toString().trim());
                return parsed >= 0 && parsed < Integer.MAX_VALUE ? parsed + 1 : 1;
            } catch (NumberFormatException e) {
                // A foreign producer set a non-numeric value: count this as a first attempt.
                return 1;
            }
        }
        return 1;
    }
}
