package dev.warren.annotation.processing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@code @Consumer} and {@code @Subscribe} handler methods at compile time, so that a bad
 * signature or attribute fails the build instead of the application's startup. javac runs it
 * for any code that has the Warren annotations on its class path; it generates nothing.
 *
 * <pre>{@code
 * @Consumer(queue = "video process")   // error: [WARREN-003] Handler VideoWorker.process has an
 * void process(VideoJob job) { ... }    //   invalid @Consumer(queue) 'video process': it contains
 *                                       //   whitespace (U+0020) at index 5; ...
 * }</pre>
 *
 * <p>Every error is reported on the offending method, parameter or attribute value, names the
 * handler as {@code Type.method}, starts with a stable id and ends with the fix:
 * <ul>
 *   <li>{@code WARREN-001}: both {@code @Consumer} and {@code @Subscribe} on one method;
 *   <li>{@code WARREN-002}: an empty or blank queue, topic or group;
 *   <li>{@code WARREN-003}: a queue, topic or group longer than 255 bytes of UTF-8, or containing
 *       whitespace or control characters;
 *   <li>{@code WARREN-004}: a private or static handler method;
 *   <li>{@code WARREN-005}: no payload parameter;
 *   <li>{@code WARREN-006}: more than one payload parameter;
 *   <li>{@code WARREN-007}: {@code MessageContext} taken more than once;
 *   <li>{@code WARREN-008}: a payload that cannot be decoded: {@code Object} (or a type variable
 *       that erases to it), or a raw {@code Map}, which is accepted where the parameter, method or
 *       an enclosing class has {@code @SuppressWarnings("warren:raw-payload")};
 *   <li>{@code WARREN-009}: a {@code Future} or {@code CompletionStage} return type;
 *   <li>{@code WARREN-010}: a {@code @Retry(backoff)} or {@code @Retry(maxBackoff)} that is no
 *       duration, is shorter than 1ms, or (maxBackoff) is shorter than the backoff;
 *   <li>{@code WARREN-011}: {@code @Retry(maxAttempts)} negative or above 100;
 *   <li>{@code WARREN-012}: {@code @Retry(multiplier)} not 0 and not between 1 and 100;
 *   <li>{@code WARREN-013}: {@code @Retry(jitter)} not between 0 and 0.5;
 *   <li>{@code WARREN-014}: {@code prefetch} negative or above 65535;
 *   <li>{@code WARREN-015}: {@code concurrency} negative;
 *   <li>{@code WARREN-016}: a {@code rateLimit} that is not blank and not like {@code 100/s},
 *       {@code 20/m} or {@code 500/h};
 *   <li>{@code WARREN-017}: a {@code circuitBreaker} name that is blank or has characters other
 *       than letters, digits, {@code -}, {@code _} and {@code .};
 *   <li>{@code WARREN-018}: two handlers of one top-level type (nested types included) on the same
 *       queue.
 * </ul>
 * Queue, topic and group names that are placeholders such as {@code ${video.queue}} are resolved
 * when the application starts, so only the runtime checks them; core resolves no placeholder in
 * other attributes.
 *
 * <p>javac calls a processor from one thread; an instance serves one compilation.
 *
 * @since 0.1
 */
@SupportedAnnotationTypes({HandlerProcessor.CONSUMER, HandlerProcessor.SUBSCRIBE})
public final class HandlerProcessor extends AbstractProcessor {

    static final String CONSUMER = "dev.warren.annotation.Consumer";
    static final String SUBSCRIBE = "dev.warren.annotation.Subscribe";

    /** Compared by name: core, which declares it, is not on this module's class path. */
    private static final String MESSAGE_CONTEXT = "dev.warren.MessageContext";

    /** The {@code @SuppressWarnings} value that accepts a raw {@code Map} payload. */
    static final String RAW_PAYLOAD_OPT_IN = "warren:raw-payload";

    /** Same as {@code ConsumerSettings.MAX_PREFETCH} in core. */
    private static final int MAX_PREFETCH = 65_535;

    /** Same as {@code RetryPolicy.MAX_MAX_ATTEMPTS} in core. */
    private static final int MAX_ATTEMPTS = 100;

    /** Same as the upper bound of {@code RetryPolicy}'s multiplier in core. */
    private static final double MAX_MULTIPLIER = 100;

    /** Same as {@code RetryPolicy.MAX_JITTER} in core. */
    private static final double MAX_JITTER = 0.5;

    /** Creates the processor; javac finds it through {@code META-INF/services}. */
    public HandlerProcessor() {
    }

    /**
     * Returns the latest source version: the processor reads only methods, parameters and
     * annotations, which every Java version has.
     *
     * @return {@link SourceVersion#latestSupported()}
     */
    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    /**
     * Checks the handlers of the round's types.
     *
     * @return {@code false}, so that other processors may see the annotations too
     */
    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (annotations.isEmpty()) {
            return false;
        }
        Check check = new Check(processingEnv.getMessager(), processingEnv.getElementUtils(),
                processingEnv.getTypeUtils());
        for (Element root : round.getRootElements()) {
            if (root instanceof TypeElement type) {
                List<Handler> handlers = new ArrayList<>();
                check.typeAndNested(type, handlers);
                check.queuesAreDistinct(handlers);
            }
        }
        return false;
    }

    /** A valid handler with a literal queue name, kept to find two handlers on one queue. */
    private record Handler(ExecutableElement method, AnnotationMirror annotation, @Nullable AnnotationValue value,
            String queue) {
    }

    /** The checks of one round. */
    private static final class Check {

        private final Messager messager;
        private final Elements elements;
        private final Types types;

        Check(Messager messager, Elements elements, Types types) {
            this.messager = messager;
            this.elements = elements;
            this.types = types;
        }

        /** Checks the methods of a type, then those of its nested types, so that outer handlers come first. */
        void typeAndNested(TypeElement type, List<Handler> handlers) {
            for (Element member : type.getEnclosedElements()) {
                if (member instanceof ExecutableElement method && member.getKind() == ElementKind.METHOD) {
                    method(method, handlers);
                }
            }
            for (Element member : type.getEnclosedElements()) {
                if (member instanceof TypeElement nested) {
                    typeAndNested(nested, handlers);
                }
            }
        }

        private void method(ExecutableElement method, List<Handler> handlers) {
            AnnotationMirror consumer = annotation(method, CONSUMER);
            AnnotationMirror subscribe = annotation(method, SUBSCRIBE);
            if (consumer == null && subscribe == null) {
                return;
            }
            String handler = name(method);
            if (consumer != null && subscribe != null) {
                error(HandlerError.BOTH_ANNOTATIONS, method, subscribe, null, "Handler " + handler
                        + " has both @Consumer and @Subscribe; a handler consumes one queue, so keep one of them"
                        + " (move the other to a method of its own)");
                return;
            }
            modifiers(method, handler);
            returnType(method, handler);
            parameters(method, handler);
            AnnotationMirror annotation = consumer != null ? consumer : subscribe;
            String simpleName = consumer != null ? "@Consumer" : "@Subscribe";
            Map<String, AnnotationValue> values = values(annotation);
            settings(method, handler, annotation, simpleName, values);
            Handler valid = consumer != null ? consumerQueue(method, handler, consumer, values)
                    : subscriptionQueue(method, handler, annotation, values);
            if (valid != null) {
                handlers.add(valid);
            }
        }

        private @Nullable Handler consumerQueue(ExecutableElement method, String handler, AnnotationMirror annotation,
                Map<String, AnnotationValue> values) {
            String queue = name(method, handler, annotation, values, "@Consumer", "queue",
                    "e.g. @Consumer(queue = \"video.process\")");
            return queue == null ? null : new Handler(method, annotation, values.get("queue"), queue);
        }

        private @Nullable Handler subscriptionQueue(ExecutableElement method, String handler, AnnotationMirror annotation,
                Map<String, AnnotationValue> values) {
            String topic = name(method, handler, annotation, values, "@Subscribe", "topic",
                    "e.g. @Subscribe(topic = \"order.placed\", group = \"email\")");
            String group = name(method, handler, annotation, values, "@Subscribe", "group",
                    "e.g. @Subscribe(topic = \"order.placed\", group = \"email\")");
            if (topic == null || group == null) {
                return null;
            }
            // Mirrors Topology.subscriptionQueueName in core.
            String queue = topic + "." + group;
            AnnotationValue groupValue = values.get("group");
            String problem = ValueSyntax.nameProblem(queue);
            if (problem != null) {
                error(HandlerError.INVALID_NAME, method, annotation, groupValue, "Handler " + handler
                        + " subscribes with the queue '" + queue + "' (<topic>.<group>), which " + problem
                        + "; shorten the topic or the group");
                return null;
            }
            return new Handler(method, annotation, groupValue, queue);
        }

        /**
         * Checks a queue, topic or group name, and returns it if it is valid and literal, or
         * {@code null} if it is invalid or a placeholder.
         */
        private @Nullable String name(ExecutableElement method, String handler, AnnotationMirror annotation,
                Map<String, AnnotationValue> values, String simpleName, String attribute, String example) {
            AnnotationValue value = values.get(attribute);
            if (value == null || !(value.getValue() instanceof String name)) {
                return null; // Missing or not a string: javac reports that itself.
            }
            String what = simpleName + "(" + attribute + ")";
            if (name.isBlank()) {
                error(HandlerError.BLANK_NAME, method, annotation, value, "Handler " + handler + " has a blank " + what
                        + "; name it, " + example + ", or use a placeholder such as \"${video.queue}\"");
                return null;
            }
            if (ValueSyntax.isPlaceholder(name)) {
                return null;
            }
            String problem = ValueSyntax.nameProblem(name);
            if (problem != null) {
                error(HandlerError.INVALID_NAME, method, annotation, value, "Handler " + handler + " has an invalid "
                        + what + " '" + printable(name) + "': it " + problem
                        + "; use up to 255 bytes of letters, digits, '.', '-' and '_', " + example);
                return null;
            }
            return name;
        }

        private void modifiers(ExecutableElement method, String handler) {
            Set<Modifier> modifiers = method.getModifiers();
            if (modifiers.contains(Modifier.STATIC)) {
                error(HandlerError.INACCESSIBLE_METHOD, method, null, null, "Handler " + handler
                        + " is static; make it an instance method of the handler bean");
            } else if (modifiers.contains(Modifier.PRIVATE)) {
                error(HandlerError.INACCESSIBLE_METHOD, method, null, null, "Handler " + handler
                        + " is private; make it package-private or public so that Warren can call it through"
                        + " the bean (and its proxies)");
            }
        }

        private void returnType(ExecutableElement method, String handler) {
            TypeMirror returned = method.getReturnType();
            if (returned.getKind() != TypeKind.DECLARED && returned.getKind() != TypeKind.TYPEVAR) {
                return;
            }
            if (isSubtypeOf(returned, "java.util.concurrent.Future")
                    || isSubtypeOf(returned, "java.util.concurrent.CompletionStage")) {
                error(HandlerError.ASYNC_RETURN, method, null, null, "Handler " + handler + " returns " + returned
                        + "; Warren acknowledges the message when the method returns, so finish the work before"
                        + " returning (join the future) and return void");
            }
        }

        private void parameters(ExecutableElement method, String handler) {
            VariableElement context = null;
            List<VariableElement> payloads = new ArrayList<>();
            for (VariableElement parameter : method.getParameters()) {
                TypeMirror type = parameter.asType();
                if (type.getKind() == TypeKind.ERROR) {
                    return; // javac reports the unknown type; guessing would only add noise.
                }
                if (isNamed(type, MESSAGE_CONTEXT)) {
                    if (context != null) {
                        error(HandlerError.TWO_CONTEXTS, parameter, null, null, "Handler " + handler
                                + " takes MessageContext twice ('" + context.getSimpleName() + "' and '"
                                + parameter.getSimpleName() + "'); declare it once");
                    }
                    context = parameter;
                } else {
                    payloads.add(parameter);
                }
            }
            if (payloads.isEmpty()) {
                error(HandlerError.NO_PAYLOAD, method, null, null, "Handler " + handler
                        + " takes no payload parameter; declare the message type as a parameter, e.g. "
                        + method.getSimpleName() + "(VideoJob job)");
                return;
            }
            if (payloads.size() > 1) {
                VariableElement first = payloads.get(0);
                for (VariableElement extra : payloads.subList(1, payloads.size())) {
                    error(HandlerError.TWO_PAYLOADS, extra, null, null, "Handler " + handler
                            + " takes two payload parameters ('" + first.getSimpleName() + "' of type " + first.asType()
                            + " and '" + extra.getSimpleName() + "' of type " + extra.asType()
                            + "); a handler takes one payload and optionally a MessageContext, so wrap the data in"
                            + " one type, such as a record");
                }
                return;
            }
            payload(payloads.get(0), handler);
        }

        private void payload(VariableElement parameter, String handler) {
            TypeMirror type = parameter.asType();
            if (type.getKind() != TypeKind.DECLARED && type.getKind() != TypeKind.TYPEVAR) {
                return;
            }
            if (isNamed(types.erasure(type), "java.lang.Object")) {
                String as = type.getKind() == TypeKind.TYPEVAR ? "the type variable " + type + ", which erases to Object"
                        : "Object";
                error(HandlerError.UNDECODABLE_PAYLOAD, parameter, null, null, "Handler " + handler + " takes its payload as "
                        + as + "; declare the concrete type, e.g. VideoJob, since Warren decodes JSON into the declared"
                        + " type and never reads a type from message headers");
                return;
            }
            if (isRawMap(type) && !optedIn(parameter)) {
                error(HandlerError.UNDECODABLE_PAYLOAD, parameter, null, null, "Handler " + handler
                        + " takes its payload as a raw " + type + ", whose keys and values decode to untyped objects;"
                        + " declare the types (e.g. Map<String, OrderLine>) or a record, or accept untyped values with"
                        + " @SuppressWarnings(\"" + RAW_PAYLOAD_OPT_IN + "\") on the method or its class");
            }
        }

        private boolean isRawMap(TypeMirror type) {
            if (!(type instanceof DeclaredType declared) || !declared.getTypeArguments().isEmpty()) {
                return false;
            }
            TypeElement element = (TypeElement) declared.asElement();
            return !element.getTypeParameters().isEmpty() && isSubtypeOf(type, "java.util.Map");
        }

        private static boolean optedIn(Element element) {
            for (Element e = element; e != null && !(e instanceof PackageElement); e = e.getEnclosingElement()) {
                SuppressWarnings suppressed = e.getAnnotation(SuppressWarnings.class);
                if (suppressed != null && Arrays.asList(suppressed.value()).contains(RAW_PAYLOAD_OPT_IN)) {
                    return true;
                }
            }
            return false;
        }

        private void settings(ExecutableElement method, String handler, AnnotationMirror annotation, String simpleName,
                Map<String, AnnotationValue> values) {
            AnnotationValue concurrency = values.get("concurrency");
            if (concurrency != null && concurrency.getValue() instanceof Integer n && n < 0) {
                error(HandlerError.INVALID_CONCURRENCY, method, annotation, concurrency, "Handler " + handler + " has "
                        + simpleName + "(concurrency) " + n + "; use a positive number of consumers, or 0 for the"
                        + " configured default (1)");
            }
            AnnotationValue prefetch = values.get("prefetch");
            if (prefetch != null && prefetch.getValue() instanceof Integer n && (n < 0 || n > MAX_PREFETCH)) {
                error(HandlerError.INVALID_PREFETCH, method, annotation, prefetch, "Handler " + handler + " has "
                        + simpleName + "(prefetch) " + n + " but it must be between 1 and " + MAX_PREFETCH
                        + "; use a small number such as 10 for slow work, or 0 for the configured default (10)");
            }
            // Read by name, so that the processor also works with annotations that predate these attributes.
            // Core reads both as they are, without resolving placeholders; a blank rate limit means none.
            AnnotationValue rateLimit = values.get("rateLimit");
            if (rateLimit != null && rateLimit.getValue() instanceof String text && !text.isBlank()) {
                String problem = ValueSyntax.rateLimitProblem(text);
                if (problem != null) {
                    error(HandlerError.INVALID_RATE_LIMIT, method, annotation, rateLimit, "Handler " + handler + " has "
                            + simpleName + "(rateLimit) '" + printable(text) + "', which " + problem
                            + "; write a positive count per second, minute or hour, such as \"100/s\", \"20/m\" or"
                            + " \"500/h\", or leave it empty for no limit (warren.queues.<queue>.rate-limit sets it"
                            + " per environment)");
                }
            }
            AnnotationValue circuitBreaker = values.get("circuitBreaker");
            if (circuitBreaker != null && circuitBreaker.getValue() instanceof String name && !name.isEmpty()) {
                String problem = ValueSyntax.circuitBreakerProblem(name);
                if (problem != null) {
                    error(HandlerError.INVALID_CIRCUIT_BREAKER, method, annotation, circuitBreaker, "Handler " + handler
                            + " has " + simpleName + "(circuitBreaker) '" + printable(name) + "', which " + problem
                            + "; name the breaker with letters, digits, '-', '_' and '.', such as \"payment-gateway\","
                            + " or leave it empty for none");
                }
            }
            AnnotationValue retry = values.get("retry");
            if (retry != null && retry.getValue() instanceof AnnotationMirror retryAnnotation) {
                retry(method, handler, retryAnnotation);
            }
        }

        private void retry(ExecutableElement method, String handler, AnnotationMirror retry) {
            Map<String, AnnotationValue> values = values(retry);
            AnnotationValue maxAttempts = values.get("maxAttempts");
            if (maxAttempts != null && maxAttempts.getValue() instanceof Integer n && (n < 0 || n > MAX_ATTEMPTS)) {
                error(HandlerError.INVALID_MAX_ATTEMPTS, method, retry, maxAttempts, "Handler " + handler
                        + " has @Retry(maxAttempts) " + n + " but it must be between 1 and " + MAX_ATTEMPTS
                        + " (attempts in all); use 1 for no retries, or 0 for the configured default (3)");
            }
            AnnotationValue multiplier = values.get("multiplier");
            if (multiplier != null && multiplier.getValue() instanceof Double m && m != 0
                    && (!(m >= 1) || m > MAX_MULTIPLIER)) {
                error(HandlerError.INVALID_MULTIPLIER, method, retry, multiplier, "Handler " + handler
                        + " has @Retry(multiplier) " + m + " but it must be between 1 and " + (int) MAX_MULTIPLIER
                        + "; use 1 for a constant delay, or 0 for the configured default (2)");
            }
            AnnotationValue jitter = values.get("jitter");
            if (jitter != null && jitter.getValue() instanceof Double j && (!(j >= 0) || j > MAX_JITTER)) {
                error(HandlerError.INVALID_JITTER, method, retry, jitter, "Handler " + handler + " has @Retry(jitter) " + j
                        + " but it must be a fraction between 0 and " + MAX_JITTER
                        + "; use e.g. 0.2 to vary each delay by up to 20%, or 0 for none");
            }
            AnnotationValue backoffValue = values.get("backoff");
            AnnotationValue maxBackoffValue = values.get("maxBackoff");
            Duration backoff = duration(method, handler, retry, backoffValue, "backoff");
            Duration maxBackoff = duration(method, handler, retry, maxBackoffValue, "maxBackoff");
            if (backoff != null && maxBackoff != null && maxBackoff.compareTo(backoff) < 0) {
                error(HandlerError.INVALID_BACKOFF, method, retry, maxBackoffValue, "Handler " + handler
                        + " has @Retry(maxBackoff) " + maxBackoffValue + ", shorter than @Retry(backoff) " + backoffValue
                        + "; make maxBackoff at least the backoff");
            }
        }

        /** Checks a duration attribute, and returns it if it is given and valid. */
        private @Nullable Duration duration(ExecutableElement method, String handler, AnnotationMirror retry,
                @Nullable AnnotationValue value, String attribute) {
            if (value == null || !(value.getValue() instanceof String text) || text.isBlank()) {
                return null;
            }
            String problem = ValueSyntax.durationProblem(text);
            if (problem != null) {
                error(HandlerError.INVALID_BACKOFF, method, retry, value, "Handler " + handler + " has @Retry(" + attribute
                        + ") '" + printable(text) + "', which " + problem + "; write a duration of at least 1ms like"
                        + " \"500ms\", \"2s\", \"1m\", \"1h\", \"1d\" or ISO-8601 \"PT1S\", or leave it empty for the"
                        + " configured default");
                return null;
            }
            return ValueSyntax.parseDuration(text);
        }

        void queuesAreDistinct(List<Handler> handlers) {
            Map<String, Handler> byQueue = new HashMap<>();
            for (Handler handler : handlers) {
                Handler first = byQueue.putIfAbsent(handler.queue(), handler);
                if (first != null) {
                    error(HandlerError.DUPLICATE_QUEUE, handler.method(), handler.annotation(), handler.value(),
                            "Handler " + name(handler.method()) + " consumes the queue '" + handler.queue()
                                    + "', as " + name(first.method()) + " does; they would compete for its messages, so"
                                    + " give one of them a queue of its own (for @Subscribe, a group of its own)");
                }
            }
        }

        private boolean isSubtypeOf(TypeMirror type, String qualifiedName) {
            TypeElement supertype = elements.getTypeElement(qualifiedName);
            return supertype != null
                    && types.isSubtype(types.erasure(type), types.erasure(supertype.asType()));
        }

        private static boolean isNamed(TypeMirror type, String qualifiedName) {
            return type instanceof DeclaredType declared
                    && declared.asElement() instanceof TypeElement element
                    && element.getQualifiedName().contentEquals(qualifiedName);
        }

        private static @Nullable AnnotationMirror annotation(Element element, String qualifiedName) {
            for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
                if (isNamed(mirror.getAnnotationType(), qualifiedName)) {
                    return mirror;
                }
            }
            return null;
        }

        /** The attributes written in the source, by name; those left at their default are absent. */
        private static Map<String, AnnotationValue> values(AnnotationMirror annotation) {
            Map<String, AnnotationValue> values = new LinkedHashMap<>();
            annotation.getElementValues().forEach((attribute, value) ->
                    values.put(attribute.getSimpleName().toString(), value));
            return values;
        }

        /** {@code VideoWorker.process}, or {@code Outer.Inner.process} for a nested type. */
        private String name(ExecutableElement method) {
            Element enclosing = method.getEnclosingElement();
            if (!(enclosing instanceof TypeElement type)) {
                return method.getSimpleName().toString();
            }
            String qualified = type.getQualifiedName().toString();
            PackageElement pkg = elements.getPackageOf(type);
            String prefix = pkg.isUnnamed() ? "" : pkg.getQualifiedName() + ".";
            String typeName = qualified.startsWith(prefix) ? qualified.substring(prefix.length()) : qualified;
            return typeName + "." + method.getSimpleName();
        }

        private void error(HandlerError error, Element element, @Nullable AnnotationMirror annotation,
                @Nullable AnnotationValue value, String text) {
            String message = error.message(text);
            if (annotation == null) {
                messager.printMessage(Diagnostic.Kind.ERROR, message, element);
            } else if (value == null) {
                messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation);
            } else {
                messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation, value);
            }
        }

        /** A value with control characters escaped, so that the message stays on one line. */
        private static String printable(String value) {
            StringBuilder printable = new StringBuilder(value.length());
            value.codePoints().forEach(c -> {
                if (Character.isISOControl(c)) {
                    printable.append(String.format(Locale.ROOT, "\\u%04X", c));
                } else {
                    printable.appendCodePoint(c);
                }
            });
            return printable.toString();
        }
    }
}
