package dev.warren.internal.pipeline;

import dev.warren.consumer.InputLimits;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Derives the mapper that decodes one consumer's payloads: the application's mapper, with its
 * modules and features, whose parser enforces the consumer's {@link InputLimits}. The application's
 * mapper is not changed, and where its own read constraints are stricter, they hold.
 */
final class LimitedJsonMapper extends JsonMapper.Builder {

    private LimitedJsonMapper(JsonMapper mapper, JsonFactory factory) {
        super(new JsonMapper.Builder.StateImpl(mapper.rebuild()));
        // The builder keeps the stream factory in a protected field and offers no setter for it.
        _streamFactory = factory;
    }

    /** The mapper with the stricter of its own read constraints and {@code limits}. */
    static JsonMapper of(JsonMapper mapper, InputLimits limits) {
        JsonFactory factory = mapper.tokenStreamFactory();
        StreamReadConstraints own = factory.streamReadConstraints();
        long documentLength = limits.effectiveMaxDocumentLength();
        StreamReadConstraints bounded = own.rebuild()
                .maxNestingDepth(Math.min(own.getMaxNestingDepth(), limits.maxNestingDepth()))
                .maxStringLength(Math.min(own.getMaxStringLength(), limits.maxStringLength()))
                .maxNameLength(Math.min(own.getMaxNameLength(), limits.maxStringLength()))
                .maxNumberLength(Math.min(own.getMaxNumberLength(), limits.maxNumberLength()))
                .maxDocumentLength(own.hasMaxDocumentLength() ? Math.min(own.getMaxDocumentLength(), documentLength)
                        : documentLength)
                .build();
        return new LimitedJsonMapper(mapper, factory.rebuild().streamReadConstraints(bounded).build()).build();
    }
}
