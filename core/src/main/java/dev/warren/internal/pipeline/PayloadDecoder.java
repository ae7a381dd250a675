package dev.warren.internal.pipeline;

import dev.warren.consumer.InputLimits;
import java.lang.reflect.Type;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes JSON bodies into one handler's payload type. The type comes from the handler's signature,
 * never from the message. The mapper is the application's with the consumer's {@link InputLimits}
 * on its parser, so a hostile document fails fast instead of exhausting the consumer. Thread-safe.
 */
public final class PayloadDecoder {

    private final ObjectReader reader;
    private final String typeName;
    private final long maxDocumentLength;

    /** A decoder bound by the default input limits. */
    public PayloadDecoder(JsonMapper mapper, Type payloadType) {
        this(mapper, payloadType, InputLimits.DEFAULTS);
    }

    /**
     * A decoder bound by {@code limits}.
     *
     * @param mapper the application's mapper, which is not changed
     * @param payloadType the handler's payload type
     * @param limits the consumer's limits
     */
    public PayloadDecoder(JsonMapper mapper, Type payloadType, InputLimits limits) {
        this(LimitedJsonMapper.of(mapper, limits), payloadType, limits.effectiveMaxDocumentLength());
    }

    private PayloadDecoder(JsonMapper limited, Type payloadType, long maxDocumentLength) {
        JavaType type = limited.getTypeFactory().constructType(payloadType);
        this.reader = limited.readerFor(type);
        this.typeName = type.toCanonical();
        this.maxDocumentLength = maxDocumentLength;
    }

    /** A decoder on a mapper that {@link LimitedJsonMapper} has already bound by {@code limits}. */
    static PayloadDecoder onLimitedMapper(JsonMapper limited, Type payloadType, InputLimits limits) {
        return new PayloadDecoder(limited, payloadType, limits.effectiveMaxDocumentLength());
    }

    /**
     * Decodes a body.
     *
     * @throws UndecodableMessageException when the body is not JSON of the payload type, is JSON
     *     {@code null}, or breaks a JSON limit
     */
    public Object decode(InboundMessage message) {
        int length = message.body().length;
        String declared = "content type " + HeaderValues.printable(message.contentType(), 64) + ", " + length + " bytes";
        if (length > maxDocumentLength) {
            throw new UndecodableMessageException(String.format(Locale.ROOT,
                    "Body of %,d bytes exceeds the JSON document limit of %,d bytes (json.max-document-length)", length,
                    maxDocumentLength), null);
        }
        Object payload;
        try {
            payload = reader.readValue(message.body());
        } catch (StreamConstraintsException e) {
            throw new UndecodableMessageException("Body exceeds a JSON limit (" + property(e) + "; " + declared + "): "
                    + e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new UndecodableMessageException("Body does not decode as JSON into " + typeName + " (" + declared + "): "
                    + e.getOriginalMessage(), e);
        }
        if (payload == null) {
            throw new UndecodableMessageException("Body decodes to null, but the handler expects a " + typeName + " ("
                    + declared + ")", null);
        }
        return payload;
    }

    /** The Warren property behind the Jackson constraint a document broke. */
    private static String property(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("NestingDepth")) {
            return "json.max-nesting-depth";
        }
        if (message.contains("StringLength") || message.contains("NameLength")) {
            return "json.max-string-length";
        }
        if (message.contains("NumberLength")) {
            return "json.max-number-length";
        }
        if (message.contains("DocumentLength")) {
            return "json.max-document-length";
        }
        return "a JSON read constraint";
    }
}
