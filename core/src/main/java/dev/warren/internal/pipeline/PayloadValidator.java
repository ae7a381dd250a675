package dev.warren.internal.pipeline;

/** Checks a decoded payload against its constraints; throws {@link InvalidPayloadException} when it breaks one. */
@FunctionalInterface
public interface PayloadValidator {

    /** Accepts everything: for handlers whose payload parameter is not {@code @Valid}. */
    PayloadValidator NONE = payload -> {
    };

    void validate(Object payload);
}
