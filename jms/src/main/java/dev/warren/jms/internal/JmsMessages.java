package dev.warren.jms.internal;

import dev.warren.internal.deadletter.FailureReasons;
import dev.warren.internal.WarrenHeaders;
import dev.warren.deadletter.DeadLetters;
import dev.warren.internal.pipeline.InboundMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Warren's message properties on JMS, and copies of messages.
 *
 * <p>JMS property names must be Java identifiers, so the headers Warren writes on RabbitMQ
 * ({@code x-warren-attempts}, {@code x-exception-message}, ...) travel under identifier names
 * ({@code WarrenAttempts}, {@code WarrenExceptionMessage}, ...). Inside Warren, and in the dead
 * letters it shows, they keep their RabbitMQ names, so operators read one vocabulary.
 */
public final class JmsMessages {

    public static final String MESSAGE_ID = "WarrenMessageId";
    public static final String CONTENT_TYPE = "WarrenContentType";
    /** When a copy in a delay queue is due back, epoch milliseconds. */
    public static final String DUE_AT = "WarrenDueAt";
    /** Where a copy in a delay queue goes back to. */
    public static final String RETURN_TO = "WarrenReturnTo";

    private static final Map<String, String> JMS_NAMES = Map.ofEntries(
            Map.entry(WarrenHeaders.ATTEMPTS, "WarrenAttempts"),
            Map.entry(WarrenHeaders.EXCEPTION_MESSAGE, "WarrenExceptionMessage"),
            Map.entry(WarrenHeaders.EXCEPTION_STACKTRACE, "WarrenExceptionStacktrace"),
            Map.entry(WarrenHeaders.ORIGINAL_QUEUE, "WarrenOriginalQueue"),
            Map.entry(WarrenHeaders.FAILED_AT, "WarrenFailedAt"),
            Map.entry(WarrenHeaders.FAILURE_CLASS, "WarrenFailureClass"),
            Map.entry(DeadLetters.REPLAYS_HEADER, "WarrenReplays"),
            Map.entry(DeadLetters.DISCARD_REASON_HEADER, "WarrenDiscardReason"),
            Map.entry(DeadLetters.DISCARDED_BY_HEADER, "WarrenDiscardedBy"),
            Map.entry(WarrenHeaders.DISCARDED_AT, "WarrenDiscardedAt"));
    private static final Map<String, String> HEADER_NAMES = invert(JMS_NAMES);

    /** Longest stack trace kept in a property; some providers carry properties in one frame. */
    private static final int MAX_STACKTRACE_BYTES = 16_384;
    private static final int MAX_REASON_BYTES = 8_192;

    private JmsMessages() {
    }

    /** The JMS property name for a Warren header name, made a Java identifier where it is not one. */
    public static String propertyName(String header) {
        String known = JMS_NAMES.get(header);
        if (known != null) {
            return known;
        }
        StringBuilder name = new StringBuilder(header.length());
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            name.append(i == 0 ? (Character.isJavaIdentifierStart(c) ? c : '_') : (Character.isJavaIdentifierPart(c) ? c : '_'));
        }
        return name.toString();
    }

    /** The Warren header name for a JMS property name. */
    public static String headerName(String property) {
        return HEADER_NAMES.getOrDefault(property, property);
    }

    /**
     * The body as bytes: the UTF-8 of a text message, the bytes of a bytes message; {@code null} for
     * any other kind, which Warren does not read (an object message would take Java deserialization).
     */
    public static byte @Nullable [] body(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            String value = text.getText();
            return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        }
        if (message instanceof BytesMessage bytes) {
            bytes.reset();
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        return null;
    }

    /**
     * The size of the body in bytes, measured without copying it: the UTF-8 length of a text
     * message, the length of a bytes message, {@code 0} for any other kind.
     */
    public static long bodySize(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            String value = text.getText();
            return value == null ? 0 : utf8Length(value);
        }
        if (message instanceof BytesMessage bytes) {
            return bytes.getBodyLength();
        }
        return 0;
    }

    private static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    /** The application properties under their Warren header names. */
    public static Map<String, Object> headers(Message message) throws JMSException {
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            String property = name.toString();
            if (isApplicationProperty(property)) {
                Object value = message.getObjectProperty(property);
                if (value != null) {
                    headers.put(headerName(property), value);
                }
            }
        }
        return headers;
    }

    /** Warren's message id: its own property, else the provider's. */
    public static @Nullable String messageId(Message message) throws JMSException {
        String id = message.getStringProperty(MESSAGE_ID);
        return id != null ? id : message.getJMSMessageID();
    }

    /**
     * The pipeline's view of a delivery. A body over {@code maxSize} is measured, not read, so that
     * it is never copied into memory; a message of a kind Warren does not read has an empty body and
     * the content type {@code jms/<kind>}, which no handler decodes.
     */
    public static InboundMessage inbound(String queue, Message message, long maxSize) throws JMSException {
        Map<String, Object> headers = headers(message);
        headers.remove(headerName(MESSAGE_ID));
        Object declared = headers.remove(headerName(CONTENT_TYPE));
        String contentType = declared == null ? null : declared.toString();
        long size = bodySize(message);
        byte[] body = size > maxSize ? new byte[0] : body(message);
        if (body == null) {
            body = new byte[0];
            contentType = "jms/" + message.getClass().getSimpleName();
        }
        Instant publishedAt = message.getJMSTimestamp() > 0 ? Instant.ofEpochMilli(message.getJMSTimestamp()) : null;
        return new InboundMessage(queue, body, contentType, messageId(message), message.getJMSRedelivered(), headers, null,
                size, publishedAt);
    }

    /**
     * A copy with the same body, type and properties, minus {@code removed} and plus {@code added}
     * (Warren header names). The copy always carries Warren's message id, so that a retried or
     * replayed copy is the same message to an idempotent handler.
     */
    public static Message copy(Session session, Message original, Map<String, Object> added, Set<String> removed)
            throws JMSException {
        Message copy;
        if (original instanceof TextMessage text) {
            copy = session.createTextMessage(text.getText());
        } else {
            BytesMessage bytes = session.createBytesMessage();
            byte[] body = body(original);
            if (body != null) {
                bytes.writeBytes(body);
            }
            copy = bytes;
        }
        String messageId = messageId(original);
        for (Object name : Collections.list(original.getPropertyNames())) {
            String property = name.toString();
            if (isApplicationProperty(property) && !removed.contains(headerName(property))) {
                copy.setObjectProperty(property, original.getObjectProperty(property));
            }
        }
        if (messageId != null) {
            copy.setStringProperty(MESSAGE_ID, messageId);
        }
        copy.setJMSCorrelationID(original.getJMSCorrelationID());
        copy.setJMSType(original.getJMSType());
        for (Map.Entry<String, Object> header : added.entrySet()) {
            copy.setObjectProperty(propertyName(header.getKey()), header.getValue());
        }
        return copy;
    }

    /** The reason properties of a dead letter, cut to sizes every provider carries. */
    public static Map<String, Object> failure(String queue, String reason, Throwable cause, int attempts, String failureClass) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(WarrenHeaders.ORIGINAL_QUEUE, queue);
        headers.put(WarrenHeaders.ATTEMPTS, attempts);
        headers.put(WarrenHeaders.FAILED_AT, System.currentTimeMillis());
        headers.put(WarrenHeaders.EXCEPTION_MESSAGE, FailureReasons.truncate(reason, MAX_REASON_BYTES));
        headers.put(WarrenHeaders.EXCEPTION_STACKTRACE,
                FailureReasons.truncate(FailureReasons.stackTrace(cause), MAX_STACKTRACE_BYTES));
        headers.put(WarrenHeaders.FAILURE_CLASS, failureClass);
        return headers;
    }

    /** Properties set by the provider ({@code JMSX...}, {@code _AMQ...}) are not copied. */
    private static boolean isApplicationProperty(String property) {
        return !property.startsWith("JMS") && !property.startsWith("_") && !property.startsWith("rmq");
    }

    /** The Warren header names that describe a failure, which a replay takes off. */
    public static final Set<String> FAILURE_HEADERS = Set.copyOf(WarrenHeaders.FAILURE);

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverted = new LinkedHashMap<>();
        map.forEach((key, value) -> inverted.put(value, key));
        return Map.copyOf(inverted);
    }
}
