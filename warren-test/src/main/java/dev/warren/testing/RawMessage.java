package dev.warren.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message as another service would publish it, without Warren: any body, any content type, odd
 * headers. {@link WarrenHarness#publishRaw(String, RawMessage)} sends it. Immutable.
 *
 * <pre>{@code
 * harness.publishRaw("orders", RawMessage.json("{\"orderId\": ").withHeader("x-source", "legacy-shop"));
 * }</pre>
 *
 * @param body the bytes, sent as they are
 * @param contentType the content type property, or {@code null} for none
 * @param messageId the message id property, or {@code null} for none
 * @param headers the headers
 * @since 0.1
 */
public record RawMessage(byte[] body, @Nullable String contentType, @Nullable String messageId, Map<String, Object> headers) {

    /**
     * Copies the body and headers.
     */
    public RawMessage {
        body = Objects.requireNonNull(body, "body").clone();
        headers = Map.copyOf(headers);
    }

    /**
     * A body as UTF-8 with content type {@code application/json}, whether or not it is valid JSON.
     *
     * @param body the text
     * @return the message
     */
    public static RawMessage json(String body) {
        return of(body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /**
     * Bytes with a content type.
     *
     * @param body the bytes
     * @param contentType the content type, or {@code null} for none
     * @return the message
     */
    public static RawMessage of(byte[] body, @Nullable String contentType) {
        return new RawMessage(body, contentType, null, Map.of());
    }

    /**
     * This message with one more header.
     *
     * @param name the header's name
     * @param value its value: a string, number, boolean, list or map, as AMQP allows
     * @return the message
     */
    public RawMessage withHeader(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(headers);
        more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new RawMessage(body, contentType, messageId, more);
    }

    /**
     * This message with a message id.
     *
     * @param messageId the id
     * @return the message
     */
    public RawMessage withMessageId(String messageId) {
        return new RawMessage(body, contentType, Objects.requireNonNull(messageId, "messageId"), headers);
    }

    /**
     * This message with another content type.
     *
     * @param contentType the content type, or {@code null} for none
     * @return the message
     */
    public RawMessage withContentType(@Nullable String contentType) {
        return new RawMessage(body, contentType, messageId, headers);
    }

    /** @return a copy of the bytes */
    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawMessage that && java.util.Arrays.equals(body, that.body)
                && Objects.equals(contentType, that.contentType) && Objects.equals(messageId, that.messageId)
                && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(body), contentType, messageId, headers);
    }

    @Override
    public String toString() {
        return "RawMessage[" + body.length + " bytes, contentType=" + contentType + ", messageId=" + messageId
                + ", headers=" + headers + "]";
    }
}
