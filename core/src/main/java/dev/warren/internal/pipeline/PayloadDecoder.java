package dev.warren.internal.pipeline;

import java.lang.reflect.Type;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes JSON bodies into one handler's payload type. The type comes from the handler's signature,
 * never from the message. Thread-safe.
 */
public final class PayloadDecoder {

    private final ObjectReader reader;
    private final String typeName;

    public PayloadDecoder(JsonMapper mapper, Type payloadType) {
        JavaType type = mapper.getTypeFactory().constructType(payloadType);
        this.reader = mapper.readerFor(type);
        this.typeName = type.toCanonical();
    }

    /**
     * Decodes a body.
     *
     * @throws UndecodableMessageException when the body is not JSON of the payload type, or is
     *     JSON {@code null}
     */
    public Object decode(InboundMessage message) {
        Object payload;
        try {
            payload = reader.readValue(message.body());
        } catch (JacksonException e) {
            throw new UndecodableMessageException("Body does not decode as JSON into " + typeName + " (content type "
                    + message.contentType() + ", " + message.body().length + " bytes): " + e.getOriginalMessage(), e);
        }
        if (payload == null) {
            throw new UndecodableMessageException("Body decodes to null, but the handler expects a " + typeName
                    + " (content type " + message.contentType() + ", " + message.body().length + " bytes)", null);
        }
        return payload;
    }
}
