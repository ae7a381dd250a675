package dev.warren.annotation.processing;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Compiles handler snippets with {@link HandlerProcessor} and checks each error's id, message and
 * line.
 *
 * <p>Each snippet is the body of {@code class Worker} in {@code test/Worker.java}; its first line is
 * line {@value #FIRST_LINE} of the file, so an error on the n-th line of a snippet is on line
 * {@code FIRST_LINE + n - 1}.
 */
class HandlerProcessorTests {

    private static final String[] HEADER = {
        "package test;",
        "import dev.warren.MessageContext;",
        "import dev.warren.annotation.*;",
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "class Worker {",
        "  record Order(String id) {}",
    };

    private static final int FIRST_LINE = 8;

    /** Core declares it; the annotations module does not depend on core, so the tests bring their own. */
    private static final JavaFileObject MESSAGE_CONTEXT = JavaFileObjects.forSourceLines("dev.warren.MessageContext",
            "package dev.warren;",
            "public interface MessageContext {}");

    private JavaFileObject worker;

    @Test
    void correctHandlersCompileWithoutErrorsOrWarnings() {
        Compilation compilation = compile(
                "@Consumer(queue = \"${video.queue}\", concurrency = 4, prefetch = 5,",
                "    retry = @Retry(maxAttempts = 5, backoff = \"500ms\", multiplier = 1.5, maxBackoff = \"PT1M\","
                        + " jitter = 0.5, permanent = IllegalArgumentException.class))",
                "void process(Order order, MessageContext context) {}",
                "@Subscribe(topic = \"order.placed\", group = \"email\", rateLimit = \"100/s\", circuitBreaker = \"smtp\")",
                "public void confirm(MessageContext context, List<Order> orders) {}",
                "@Subscribe(topic = \"order.placed\", group = \"audit\", retry = @Retry(backoff = \"2s\", maxBackoff = \"1h\"))",
                "protected String audit(Map<String, List<Order>> orders) { return \"\"; }",
                "@Consumer(queue = \"${x:default}\")",
                "void sameQueueAsPlaceholder(Order order) {}",
                "@Consumer(queue = \"${x:default}\", retry = @Retry(maxAttempts = 1, backoff = \" \", multiplier = 1))",
                "void sameQueueAsPlaceholderAgain(int[] counts) {}",
                "@Consumer(queue = \"orders-\" + \"${env}\")",
                "void partlyPlaceholder(Order order) {}",
                "@SuppressWarnings(\"warren:raw-payload\")",
                "@Consumer(queue = \"maps\")",
                "void rawMap(Map map) {}",
                "@Consumer(queue = \"generic\")",
                "<T extends Order> void generic(T order) {}",
                "static final class Nested {",
                "  @Consumer(queue = \"nested\", retry = @Retry(maxAttempts = 100, jitter = 0, multiplier = 100))",
                "  void process(Optional<Order> order) {}",
                "}",
                "interface Contract {",
                "  @Consumer(queue = \"contract\", prefetch = 65535)",
                "  void handle(Order order);",
                "}",
                "@Consumer(queue = \"ünïcödé.queue_1-x\")",
                "void unicode(Order order) {}");

        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void methodWithBothAnnotationsIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "@Subscribe(topic = \"order.placed\", group = \"email\")",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-001] Handler Worker.process has both @Consumer and @Subscribe", "keep one", 2);
    }

    @Test
    void blankQueueIsRejected() {
        Compilation compilation = compile(
                "@Consumer(",
                "    queue = \" \")",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-002] Handler Worker.process has a blank @Consumer(queue)", "name it", 2);
    }

    @Test
    void emptyGroupIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"order.placed\",",
                "    group = \"\")",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-002] Handler Worker.confirm has a blank @Subscribe(group)", "name it", 2);
    }

    @Test
    void queueWithWhitespaceIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"video process\")",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-003] Handler Worker.process has an invalid @Consumer(queue) 'video process':"
                + " it contains whitespace (U+0020) at index 5", "use up to 255 bytes", 1);
    }

    @Test
    void topicWithControlCharacterIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(group = \"email\",",
                "    topic = \"order\\tplaced\")",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-003] Handler Worker.confirm has an invalid @Subscribe(topic) 'order\\u0009placed':"
                + " it contains the control character U+0009 at index 5", "use up to 255 bytes", 2);
    }

    @Test
    void queueLongerThan255BytesOfUtf8IsRejected() {
        // 128 characters but 256 bytes: the limit is on the encoded name.
        Compilation compilation = compile(
                "@Consumer(queue = \"" + "é".repeat(128) + "\")",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-003] Handler Worker.process has an invalid @Consumer(queue)",
                "it is 256 bytes of UTF-8 but RabbitMQ names are at most 255", 1);
    }

    @Test
    void subscriptionQueueLongerThan255BytesIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"" + "t".repeat(200) + "\",",
                "    group = \"" + "g".repeat(60) + "\")",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-003] Handler Worker.confirm subscribes with the queue '",
                "(<topic>.<group>), which is 261 bytes of UTF-8 but RabbitMQ names are at most 255; shorten the topic"
                        + " or the group", 2);
    }

    @Test
    void staticHandlerIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "static void process(Order order) {}");

        assertError(compilation, "[WARREN-004] Handler Worker.process is static",
                "make it an instance method of the handler bean", 2);
    }

    @Test
    void privateHandlerIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"order.placed\", group = \"email\")",
                "private void confirm(Order order) {}");

        assertError(compilation, "[WARREN-004] Handler Worker.confirm is private", "make it package-private or public", 2);
    }

    @Test
    void handlerWithoutPayloadIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "void process(MessageContext context) {}");

        assertError(compilation, "[WARREN-005] Handler Worker.process takes no payload parameter",
                "declare the message type as a parameter, e.g. process(VideoJob job)", 2);
    }

    @Test
    void handlerWithTwoPayloadsIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "void process(Order order, MessageContext context,",
                "    String note) {}");

        assertError(compilation, "[WARREN-006] Handler Worker.process takes two payload parameters ('order' of type"
                + " test.Worker.Order and 'note' of type java.lang.String)", "wrap the data in one type", 3);
    }

    @Test
    void handlerTakingMessageContextTwiceIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "void process(Order order, MessageContext context,",
                "    MessageContext again) {}");

        assertError(compilation, "[WARREN-007] Handler Worker.process takes MessageContext twice ('context' and 'again')",
                "declare it once", 3);
    }

    @Test
    void objectPayloadIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "void process(Object order) {}");

        assertError(compilation, "[WARREN-008] Handler Worker.process takes its payload as Object",
                "declare the concrete type, e.g. VideoJob", 2);
    }

    @Test
    void typeVariablePayloadThatErasesToObjectIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "<T> void process(T order) {}");

        assertError(compilation, "[WARREN-008] Handler Worker.process takes its payload as the type variable T,"
                + " which erases to Object", "declare the concrete type", 2);
    }

    @Test
    void rawMapPayloadIsRejectedWithoutOptIn() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "void process(HashMap order) {}");

        assertError(compilation, "[WARREN-008] Handler Worker.process takes its payload as a raw java.util.HashMap",
                "declare the types (e.g. Map<String, OrderLine>) or a record, or accept untyped values with"
                        + " @SuppressWarnings(\"warren:raw-payload\") on the method or its class", 2);
    }

    @Test
    void rawMapPayloadIsAcceptedWithOptInOnTheClass() {
        worker = JavaFileObjects.forSourceLines("test.Worker",
                "package test;",
                "import dev.warren.annotation.Consumer;",
                "import java.util.Map;",
                "@SuppressWarnings(\"warren:raw-payload\")",
                "class Worker {",
                "  @Consumer(queue = \"orders\")",
                "  void process(Map order) {}",
                "}");

        assertThat(javac().withProcessors(new HandlerProcessor()).compile(worker)).succeededWithoutWarnings();
    }

    @Test
    void futureReturnTypeIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "CompletableFuture<Void> process(Order order) { return null; }");

        assertError(compilation, "[WARREN-009] Handler Worker.process returns"
                + " java.util.concurrent.CompletableFuture<java.lang.Void>",
                "Warren acknowledges the message when the method returns, so finish the work before returning", 2);
    }

    @Test
    void completionStageReturnTypeIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"order.placed\", group = \"email\")",
                "CompletionStage<?> confirm(Order order) { return null; }");

        assertError(compilation, "[WARREN-009] Handler Worker.confirm returns java.util.concurrent.CompletionStage<?>",
                "return void", 2);
    }

    @Test
    void invalidBackoffIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\", retry = @Retry(maxAttempts = 3,",
                "    backoff = \"2 sec\"))",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-010] Handler Worker.process has @Retry(backoff) '2 sec', which is not a"
                + " duration", "write a duration of at least 1ms like \"500ms\", \"2s\", \"1m\"", 2);
    }

    @Test
    void zeroMaxBackoffIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"order.placed\", group = \"email\",",
                "    retry = @Retry(maxBackoff = \"PT0S\"))",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-010] Handler Worker.confirm has @Retry(maxBackoff) 'PT0S', which is shorter"
                + " than 1ms", "write a duration of at least 1ms", 2);
    }

    @Test
    void maxBackoffShorterThanBackoffIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\", retry = @Retry(backoff = \"1m\",",
                "    maxBackoff = \"30s\"))",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-010] Handler Worker.process has @Retry(maxBackoff) \"30s\", shorter than"
                + " @Retry(backoff) \"1m\"", "make maxBackoff at least the backoff", 2);
    }

    @Test
    void maxAttemptsAbove100IsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\", retry = @Retry(",
                "    maxAttempts = 101))",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-011] Handler Worker.process has @Retry(maxAttempts) 101 but it must be"
                + " between 1 and 100", "use 1 for no retries, or 0 for the configured default (3)", 2);
    }

    @Test
    void negativeMaxAttemptsIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\", retry = @Retry(maxAttempts = -1))",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-011] Handler Worker.process has @Retry(maxAttempts) -1", "use 1 for no retries",
                1);
    }

    @Test
    void multiplierBelowOneIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\",",
                "    retry = @Retry(multiplier = 0.5))",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-012] Handler Worker.process has @Retry(multiplier) 0.5 but it must be"
                + " between 1 and 100", "use 1 for a constant delay", 2);
    }

    @Test
    void jitterAboveHalfIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"order.placed\", group = \"email\",",
                "    retry = @Retry(jitter = 0.6))",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-013] Handler Worker.confirm has @Retry(jitter) 0.6 but it must be a fraction"
                + " between 0 and 0.5", "or 0 for none", 2);
    }

    @Test
    void negativeJitterIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\", retry = @Retry(jitter = -0.1))",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-013] Handler Worker.process has @Retry(jitter) -0.1", "or 0 for none", 1);
    }

    @Test
    void prefetchAbove65535IsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\",",
                "    prefetch = 65536)",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-014] Handler Worker.process has @Consumer(prefetch) 65536 but it must be"
                + " between 1 and 65535", "or 0 for the configured default (10)", 2);
    }

    @Test
    void negativePrefetchIsRejected() {
        Compilation compilation = compile(
                "@Subscribe(topic = \"order.placed\", group = \"email\", prefetch = -1)",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-014] Handler Worker.confirm has @Subscribe(prefetch) -1",
                "or 0 for the configured default (10)", 1);
    }

    @Test
    void negativeConcurrencyIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\",",
                "    concurrency = -2)",
                "void process(Order order) {}");

        assertError(compilation, "[WARREN-015] Handler Worker.process has @Consumer(concurrency) -2",
                "use a positive number of consumers, or 0 for the configured default (1)", 2);
    }

    @Test
    void invalidRateLimitIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\",",
                "    rateLimit = \"100 per second\")",
                "void process(Order order) {}",
                "@Subscribe(topic = \"order.placed\", group = \"email\",",
                "    rateLimit = \"0/m\")",
                "void confirm(Order order) {}",
                "@Consumer(queue = \"unresolved\",",
                "    rateLimit = \"${orders.rate}\")",
                "void unresolved(Order order) {}",
                "@Consumer(queue = \"valid\", rateLimit = \"100/s\")",
                "void valid(Order order) {}",
                "@Consumer(queue = \"spaced\", rateLimit = \" 600 / M \")",
                "void spaced(Order order) {}",
                "@Consumer(queue = \"none\", rateLimit = \" \")",
                "void none(Order order) {}");

        assertThat(compilation).hadErrorCount(3);
        assertThat(compilation).hadErrorContaining("[WARREN-016] Handler Worker.process has @Consumer(rateLimit)"
                + " '100 per second', which is not a number of messages per second, minute or hour; write a positive"
                + " count per second, minute or hour, such as \"100/s\"").inFile(worker).onLine(FIRST_LINE + 1);
        assertThat(compilation).hadErrorContaining("[WARREN-016] Handler Worker.confirm has @Subscribe(rateLimit) '0/m',"
                + " which allows no message at all").inFile(worker).onLine(FIRST_LINE + 4);
        assertThat(compilation).hadErrorContaining("[WARREN-016] Handler Worker.unresolved has @Consumer(rateLimit)"
                + " '${orders.rate}', which is not a number of messages per second, minute or hour (placeholders are not"
                + " resolved in rateLimit)").inFile(worker).onLine(FIRST_LINE + 7);
    }

    @Test
    void invalidCircuitBreakerIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\",",
                "    circuitBreaker = \"payment gateway\")",
                "void process(Order order) {}",
                "@Subscribe(topic = \"order.placed\", group = \"email\",",
                "    circuitBreaker = \"  \")",
                "void confirm(Order order) {}",
                "@Consumer(queue = \"valid\", circuitBreaker = \"payment-gateway_v2.eu\")",
                "void valid(Order order) {}");

        assertThat(compilation).hadErrorCount(2);
        assertThat(compilation).hadErrorContaining("[WARREN-017] Handler Worker.process has @Consumer(circuitBreaker)"
                + " 'payment gateway', which contains characters other than letters, digits, '-', '_' and '.'; name the"
                + " breaker").inFile(worker).onLine(FIRST_LINE + 1);
        assertThat(compilation).hadErrorContaining("[WARREN-017] Handler Worker.confirm has @Subscribe(circuitBreaker)"
                + " '  ', which is blank").inFile(worker).onLine(FIRST_LINE + 4);
    }

    @Test
    void twoHandlersOnOneQueueAreRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"orders\")",
                "void process(Order order) {}",
                "static class Nested {",
                "  @Consumer(queue = \"orders\")",
                "  void again(Order order) {}",
                "}");

        assertError(compilation, "[WARREN-018] Handler Worker.Nested.again consumes the queue 'orders', as"
                + " Worker.process does", "give one of them a queue of its own", 4);
    }

    @Test
    void subscriptionOnAConsumersQueueIsRejected() {
        Compilation compilation = compile(
                "@Consumer(queue = \"order.placed.email\")",
                "void process(Order order) {}",
                "@Subscribe(topic = \"order.placed\",",
                "    group = \"email\")",
                "void confirm(Order order) {}");

        assertError(compilation, "[WARREN-018] Handler Worker.confirm consumes the queue 'order.placed.email', as"
                + " Worker.process does", "(for @Subscribe, a group of its own)", 4);
    }

    /** Compiles a snippet as the body of {@code test.Worker}. */
    private Compilation compile(String... body) {
        List<String> lines = new ArrayList<>(Arrays.asList(HEADER));
        lines.addAll(Arrays.asList(body));
        lines.add("}");
        worker = JavaFileObjects.forSourceLines("test.Worker", lines);
        return javac().withProcessors(new HandlerProcessor()).compile(MESSAGE_CONTEXT, worker);
    }

    /** Asserts that the compilation failed with exactly one error, and what and where it is. */
    private void assertError(Compilation compilation, String start, String fix, int lineOfSnippet) {
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(start).inFile(worker).onLine(FIRST_LINE + lineOfSnippet - 1);
        assertThat(compilation).hadErrorContaining(fix);
    }
}
