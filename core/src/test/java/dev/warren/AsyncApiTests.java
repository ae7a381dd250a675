package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The AsyncAPI document of an engine, before it touches the broker: valid against the AsyncAPI
 * 3.0.0 JSON Schema (src/test/resources/asyncapi, from the specification's npm package), and
 * describing the handlers' queues, topics and payloads.
 */
class AsyncApiTests {

    enum Resolution {
        SD, HD, UHD
    }

    record Rendition(Resolution resolution, int bitrate, @Nullable String codec) {
    }

    record VideoJob(String id, Resolution resolution, List<Rendition> renditions, Instant requestedAt,
            Optional<String> note, @Nullable String owner, long sizeBytes, boolean urgent, Map<String, Long> checksums,
            Set<String> tags, LocalDate due, Duration budget, UUID traceId, BigDecimal price, Rendition[] previews,
            @Nullable Folder folder) {
    }

    /** Refers to itself: the schema must be a $ref, not an endless inline copy. */
    record Folder(String name, List<Folder> children) {
    }

    record OrderPlaced(String orderId, BigDecimal total, Instant placedAt) {
    }

    static class VideoWorker {
        @Consumer(queue = "video.process", retry = @Retry(maxAttempts = 3, backoff = "2s"))
        void process(VideoJob job, MessageContext context) {
        }
    }

    static class AuditLog {
        @Consumer(queue = "audit.line")
        void append(String line) {
        }
    }

    static class EmailSender {
        @Subscribe(topic = "order.placed", group = "email")
        void confirm(OrderPlaced event) {
        }
    }

    static class Billing {
        @Subscribe(topic = "order.placed", group = "billing")
        void bill(OrderPlaced event) {
        }
    }

    private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1");
    private final JsonMapper json = new JsonMapper();

    @AfterEach
    void destroyConnectionFactory() {
        connectionFactory.destroy();
    }

    @Test
    void documentIsValidAsyncApi300() throws IOException {
        JsonNode document = document();

        assertThat(errors(document)).isEmpty();
        assertThat(document.get("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(unresolvedRefs(document, document, new ArrayList<>())).isEmpty();
    }

    @Test
    void theSchemaRejectsAnInvalidDocument() throws IOException {
        // Shows that the validator reads the schema: AsyncAPI 2's "publish" is no 3.0 action.
        ObjectNode document = (ObjectNode) document();
        ((ObjectNode) document.get("operations").get("video.process.receive")).put("action", "publish");

        assertThat(errors(document)).isNotEmpty();
    }

    @Test
    void channelsAreTheQueuesTopicsAndDeadLetterQueuesWithTheirAmqpBindings() {
        JsonNode channels = document().get("channels");

        assertThat(channels.propertyNames()).containsExactlyInAnyOrder("audit.line", "audit.line.dlq", "order.placed",
                "order.placed.billing", "order.placed.billing.dlq", "order.placed.email", "order.placed.email.dlq",
                "video.process", "video.process.dlq");
        JsonNode workQueue = channels.get("video.process");
        assertThat(workQueue.get("address").asString()).isEqualTo("video.process");
        assertThat(workQueue.at("/bindings/amqp/is").asString()).isEqualTo("queue");
        assertThat(workQueue.at("/bindings/amqp/queue/name").asString()).isEqualTo("video.process");
        assertThat(workQueue.at("/bindings/amqp/queue/durable").asBoolean()).isTrue();
        assertThat(workQueue.get("description").asString()).contains("video.process.dlq");
        JsonNode topic = channels.get("order.placed");
        assertThat(topic.at("/bindings/amqp/is").asString()).isEqualTo("routingKey");
        assertThat(topic.at("/bindings/amqp/exchange/type").asString()).isEqualTo("topic");
        assertThat(topic.get("description").asString()).contains("order.placed.email", "order.placed.billing");
        assertThat(topic.get("messages").propertyNames()).containsExactly("OrderPlaced");
        assertThat(channels.get("video.process.dlq").get("messages").propertyNames()).containsExactly("VideoJobDeadLetter");
    }

    @Test
    void eachHandlerIsAReceiveOperationAndNothingIsSent() {
        JsonNode document = document();
        JsonNode operations = document.get("operations");

        assertThat(operations.propertyNames()).containsExactlyInAnyOrder("audit.line.receive", "order.placed.billing.receive",
                "order.placed.email.receive", "video.process.receive");
        operations.forEach(operation -> assertThat(operation.get("action").asString()).isEqualTo("receive"));
        JsonNode process = operations.get("video.process.receive");
        assertThat(process.at("/channel/$ref").asString()).isEqualTo("#/channels/video.process");
        assertThat(process.at("/messages/0/$ref").asString()).isEqualTo("#/channels/video.process/messages/VideoJob");
        assertThat(process.get("summary").asString()).isEqualTo("VideoWorker.process");
        assertThat(process.get("description").asString()).contains("3 attempts", "2s");
        assertThat(document.at("/info/description").asString()).contains("no send operations");
    }

    @Test
    void payloadSchemasFollowTheHandlerParameterTypes() {
        JsonNode components = document().get("components");
        JsonNode job = components.at("/schemas/VideoJob");
        JsonNode properties = job.get("properties");

        assertThat(job.get("type").asString()).isEqualTo("object");
        assertThat(properties.at("/id/type").asString()).isEqualTo("string");
        assertThat(properties.at("/resolution/$ref").asString()).isEqualTo("#/components/schemas/Resolution");
        assertThat(components.at("/schemas/Resolution/enum").valueStream().map(JsonNode::asString))
                .containsExactly("SD", "HD", "UHD");
        assertThat(properties.at("/renditions/type").asString()).isEqualTo("array");
        assertThat(properties.at("/renditions/items/$ref").asString()).isEqualTo("#/components/schemas/Rendition");
        assertThat(properties.at("/previews/items/$ref").asString()).isEqualTo("#/components/schemas/Rendition");
        assertThat(properties.at("/requestedAt/type").asString()).isEqualTo("string");
        assertThat(properties.at("/requestedAt/format").asString()).isEqualTo("date-time");
        assertThat(properties.at("/due/format").asString()).isEqualTo("date");
        assertThat(properties.at("/budget/format").asString()).isEqualTo("duration");
        assertThat(properties.at("/traceId/format").asString()).isEqualTo("uuid");
        assertThat(properties.at("/price/type").asString()).isEqualTo("number");
        assertThat(properties.at("/sizeBytes/type").asString()).isEqualTo("integer");
        assertThat(properties.at("/urgent/type").asString()).isEqualTo("boolean");
        assertThat(properties.at("/checksums/type").asString()).isEqualTo("object");
        assertThat(properties.at("/checksums/additionalProperties/type").asString()).isEqualTo("integer");
        assertThat(properties.at("/tags/uniqueItems").asBoolean()).isTrue();
        assertThat(properties.at("/note/type").valueStream().map(JsonNode::asString)).containsExactly("string", "null");
        assertThat(properties.at("/owner/type").valueStream().map(JsonNode::asString)).containsExactly("string", "null");
        assertThat(properties.at("/folder/oneOf/0/$ref").asString()).isEqualTo("#/components/schemas/Folder");
        assertThat(components.at("/schemas/Folder/properties/children/items/$ref").asString())
                .isEqualTo("#/components/schemas/Folder");
        // Package dev.warren is @NullMarked: what is neither @Nullable nor Optional must be there.
        assertThat(job.get("required").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder("id", "resolution",
                "renditions", "requestedAt", "sizeBytes", "urgent", "checksums", "tags", "due", "budget", "traceId", "price",
                "previews");
        assertThat(components.at("/messages/VideoJob/payload/$ref").asString()).isEqualTo("#/components/schemas/VideoJob");
        assertThat(components.at("/messages/String/payload/type").asString()).isEqualTo("string");
    }

    @Test
    void propertiesAreNamedAsTheEnginesMapperNamesThem() {
        JsonMapper snakeCase = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new VideoWorker()).jsonMapper(snakeCase).build()) {
            JsonNode properties = json.readTree(engine.asyncApi()).at("/components/schemas/VideoJob/properties");

            assertThat(properties.propertyNames()).contains("requested_at", "size_bytes", "trace_id").doesNotContain("requestedAt");
        }
    }

    @Test
    void messagesDocumentTheHeadersWarrenSets() {
        JsonNode messages = document().at("/components/messages");

        assertThat(messages.at("/VideoJob/headers/properties").propertyNames()).contains("x-warren-attempts");
        assertThat(messages.at("/VideoJob/headers/properties/x-warren-attempts/type").asString()).isEqualTo("integer");
        assertThat(messages.at("/VideoJobDeadLetter/headers/properties").propertyNames()).contains("x-warren-attempts",
                "x-exception-message", "x-warren-failure-class", "x-original-queue", "x-death");
        assertThat(messages.at("/VideoJob/contentType").asString()).isEqualTo("application/json");
    }

    private JsonNode document() {
        try (WarrenEngine engine = WarrenEngine.builder(connectionFactory)
                .handlers(new VideoWorker(), new AuditLog(), new EmailSender(), new Billing()).build()) {
            return json.readTree(engine.asyncApi());
        }
    }

    private static List<Error> errors(JsonNode document) throws IOException {
        try (InputStream schema = AsyncApiTests.class.getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
            assertThat(schema).as("the AsyncAPI 3.0.0 schema in src/test/resources/asyncapi").isNotNull();
            Schema asyncApi = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schema);
            return asyncApi.validate(document);
        }
    }

    /** Every local {@code $ref} in the document, which the JSON Schema does not check, must point at something. */
    private static List<String> unresolvedRefs(JsonNode root, JsonNode node, List<String> unresolved) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isString() && root.at(ref.asString().substring(1)).isMissingNode()) {
                unresolved.add(ref.asString());
            }
        }
        node.forEach(child -> unresolvedRefs(root, child, unresolved));
        return unresolved;
    }
}
