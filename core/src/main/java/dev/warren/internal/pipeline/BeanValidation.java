package dev.warren.internal.pipeline;

import dev.warren.WarrenException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Jakarta Bean Validation of {@code @Valid} payloads. Kept in its own class so that Jakarta
 * Validation is needed on the class path only by applications that use {@code @Valid}.
 */
public final class BeanValidation {

    private BeanValidation() {
    }

    /** A validator from the given Jakarta {@code Validator}, or from the default provider when it is {@code null}. */
    public static PayloadValidator of(@org.jspecify.annotations.Nullable Object validator, String handler) {
        Validator jakarta;
        if (validator instanceof Validator given) {
            jakarta = given;
        } else {
            try {
                jakarta = Validation.buildDefaultValidatorFactory().getValidator();
            } catch (RuntimeException e) {
                throw new WarrenException("Handler " + handler + " marks its payload @Valid, but no Bean Validation provider "
                        + "is available; add org.hibernate.validator:hibernate-validator (spring-boot-starter-validation), "
                        + "or remove @Valid", e);
            }
        }
        return payload -> {
            Set<ConstraintViolation<Object>> violations = jakarta.validate(payload);
            if (!violations.isEmpty()) {
                throw new InvalidPayloadException("Payload " + payload.getClass().getSimpleName() + " is invalid: "
                        + violations.stream()
                                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                                .map(v -> v.getPropertyPath() + " " + v.getMessage())
                                .collect(Collectors.joining("; ")));
            }
        };
    }
}
