package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The warren Actuator endpoint over HTTP, behind the application's security. */
class WarrenEndpointIT {

    final String queue = RabbitBroker.uniqueName("it.boot.endpoint");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ConfigurableApplicationContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        cleanup.close();
        admin.destroy();
    }

    private HttpResponse<String> call(String method, String path, String body, boolean authenticated) throws Exception {
        return call(method, path, body, authenticated ? SecuredOrdersApp.USER + ":" + SecuredOrdersApp.PASSWORD : null);
    }

    private HttpResponse<String> call(String method, String path, String body, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:"
                + context.getEnvironment().getProperty("local.server.port") + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readAndWriteOperationsWorkForAnAuthenticatedOperatorAndAreRefusedOtherwise() throws Exception {
        context = new SpringApplicationBuilder(SecuredOrdersApp.class).run("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren");
        SecuredOrdersApp.Orders orders = context.getBean(SecuredOrdersApp.Orders.class);
        Warren warren = context.getBean(Warren.class);
        warren.send(queue, new SecuredOrdersApp.Order("o-1"), dev.warren.publish.PublishOptions.builder().messageId("o-1").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/actuator/warren/" + queue, null, true).body()
                .contains("\"messageId\":\"o-1\""));

        assertThat(call("GET", "/actuator/warren", null, false).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/actuator/warren/" + queue + "/replay", "{}", false).statusCode()).isEqualTo(401);

        HttpResponse<String> overview = call("GET", "/actuator/warren", null, true);
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("\"deadLetterQueue\":\"" + queue + ".dlq\"", "\"depth\":1");
        HttpResponse<String> peek = call("GET", "/actuator/warren/" + queue, null, true);
        assertThat(peek.body()).contains("cannot be processed yet", "\"failureClass\":\"unknown\"", "\"groups\"",
                "\"body\":\"{\\\"id\\\":\\\"o-1\\\"}\"", "\"x-original-queue\"", "\"operator\":true");

        assertThat(call("GET", "/actuator/warren/topology/permissions", null, false).statusCode()).isEqualTo(401);
        HttpResponse<String> permissions = call("GET", "/actuator/warren/topology/permissions", null, true);
        assertThat(permissions.statusCode()).isEqualTo(200);
        assertThat(permissions.body()).contains("\"mode\":\"declare\"", "\"configure\":\"^(", "\"rabbitmqctl\":\"rabbitmqctl set_permissions -p ");
        HttpResponse<String> definitions = call("GET", "/actuator/warren/topology/definitions", null, true);
        assertThat(definitions.statusCode()).isEqualTo(200);
        assertThat(definitions.body()).contains("\"name\":\"" + queue + ".dlq\"", "\"exchanges\":[", "\"bindings\":[");
        assertThat(call("GET", "/actuator/warren/topology/other", null, true).statusCode()).isEqualTo(404);

        orders.fixed = true;
        HttpResponse<String> replay = call("POST", "/actuator/warren/" + queue + "/replay", "{\"messageId\":\"o-1\"}", true);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("\"moved\":1");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.contains("o-1"));
    }

    @Test
    void theAsyncApiDocumentIsServedAtActuatorWarrenAsyncapiAndBelowTopology() throws Exception {
        context = new SpringApplicationBuilder(SecuredOrdersApp.class).run("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren");

        assertThat(call("GET", "/actuator/warren/asyncapi", null, false).statusCode()).isEqualTo(401);
        HttpResponse<String> response = call("GET", "/actuator/warren/asyncapi", null, true);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
        JsonNode document = new JsonMapper().readTree(response.body());
        assertThat(document.get("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(document.get("channels").propertyNames()).contains(queue, queue + ".dlq");
        assertThat(document.at("/channels/" + queue + "/bindings/amqp/queue/name").asString()).isEqualTo(queue);
        JsonNode operation = document.at("/operations/" + queue + ".receive");
        assertThat(operation.get("action").asString()).isEqualTo("receive");
        assertThat(operation.get("summary").asString()).isEqualTo("Orders.handle");
        assertThat(document.at("/components/schemas/Order/properties/id/type").asString()).isEqualTo("string");
        assertThat(document.at("/components/messages/Order/headers/properties").propertyNames()).contains("x-warren-attempts");

        HttpResponse<String> belowTopology = call("GET", "/actuator/warren/topology/asyncapi", null, true);
        assertThat(belowTopology.statusCode()).isEqualTo(200);
        assertThat(new JsonMapper().readTree(belowTopology.body())).isEqualTo(document);
    }

    @Test
    void aUserWithoutTheOperatorRoleSeesMetadataButNoBodiesAndCannotReplayOrDiscardWhileAnOperatorCan() throws Exception {
        context = new SpringApplicationBuilder(SecuredOrdersApp.class).run("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren");
        Warren warren = context.getBean(Warren.class);
        warren.send(queue, new SecuredOrdersApp.Order("secret-o-2"),
                dev.warren.publish.PublishOptions.builder().messageId("o-2").header("customer-email", "a@example.com").build());
        String viewer = SecuredOrdersApp.VIEWER + ":" + SecuredOrdersApp.VIEWER_PASSWORD;
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/actuator/warren/" + queue, null, viewer).body()
                .contains("\"messageId\":\"o-2\""));

        HttpResponse<String> peek = call("GET", "/actuator/warren/" + queue, null, viewer);
        assertThat(peek.statusCode()).isEqualTo(200);
        assertThat(peek.body()).contains("\"reason\":", "\"failureClass\":\"unknown\"", "\"size\":19", "\"failedAt\":",
                "\"body\":\"hidden\"", "\"headers\":\"hidden\"", "\"stackTrace\":\"hidden\"", "\"operator\":false")
                .doesNotContain("a@example.com", "{\\\"id\\\"", "\\tat ");

        HttpResponse<String> replay = call("POST", "/actuator/warren/" + queue + "/replay", "{\"messageId\":\"o-2\"}", viewer);
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.body()).contains("user viewer may not replay: it needs the role WARREN_OPERATOR");
        HttpResponse<String> discard = call("POST", "/actuator/warren/" + queue + "/discard",
                "{\"messageId\":\"o-2\",\"reason\":\"test\"}", viewer);
        assertThat(discard.statusCode()).isEqualTo(403);
        assertThat(call("POST", "/actuator/warren/" + queue + "/replay", "{}", (String) null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/warren/" + queue, null, (String) null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/warren", null, true).body()).as("nothing moved")
                .contains("\"deadLetterQueue\":\"" + queue + ".dlq\"", "\"depth\":1");

        // Without an authenticated user, as in an application without Spring Security: read-only metadata.
        WarrenEndpoint endpoint = context.getBean(WarrenEndpoint.class);
        assertThat(endpoint.operate(queue, "replay", "o-2", null, null, null, null, null, null, null, null,
                org.springframework.boot.actuate.endpoint.SecurityContext.NONE).getStatus()).isEqualTo(401);
        assertThat(String.valueOf(endpoint.deadLetters(queue, null, 5, org.springframework.boot.actuate.endpoint.SecurityContext.NONE).getBody()))
                .contains("body=hidden").doesNotContain("{\"id\"", "a@example.com");

        HttpResponse<String> operatorPeek = call("GET", "/actuator/warren/" + queue, null, true);
        assertThat(operatorPeek.body()).contains("a@example.com", "secret-o-2");
        SecuredOrdersApp.Orders orders = context.getBean(SecuredOrdersApp.Orders.class);
        orders.fixed = true;
        HttpResponse<String> operatorReplay = call("POST", "/actuator/warren/" + queue + "/replay", "{\"messageId\":\"o-2\"}", true);
        assertThat(operatorReplay.statusCode()).isEqualTo(200);
        assertThat(operatorReplay.body()).contains("\"moved\":1");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.contains("secret-o-2"));
    }

    @Test
    void aQueueOutsideTheEnginesTopologyIsNotFoundEvenWhenItsNameEndsWithDlq() throws Exception {
        String foreign = RabbitBroker.uniqueName("it.boot.foreign");
        cleanup.queue(foreign + ".dlq");
        context = new SpringApplicationBuilder(SecuredOrdersApp.class).run("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren");
        // Another application's dead-letter queue on the same broker, holding a message.
        org.springframework.amqp.rabbit.core.RabbitAdmin rabbitAdmin = new org.springframework.amqp.rabbit.core.RabbitAdmin(admin);
        rabbitAdmin.declareQueue(new org.springframework.amqp.core.Queue(foreign + ".dlq", false));
        new org.springframework.amqp.rabbit.core.RabbitTemplate(admin).convertAndSend("", foreign + ".dlq", "{\"id\":\"other\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> rabbitAdmin.getQueueInfo(foreign + ".dlq").getMessageCount() == 1);

        for (String name : new String[] {foreign, foreign + ".dlq"}) {
            HttpResponse<String> peek = call("GET", "/actuator/warren/" + name, null, true);
            assertThat(peek.statusCode()).as("GET %s", name).isEqualTo(404);
            assertThat(peek.body()).contains("'" + name + "' is not a work queue of this engine", queue);
            HttpResponse<String> replay = call("POST", "/actuator/warren/" + name + "/replay", "{}", true);
            assertThat(replay.statusCode()).as("replay %s", name).isEqualTo(404);
            HttpResponse<String> discard = call("POST", "/actuator/warren/" + name + "/discard", "{\"reason\":\"x\"}", true);
            assertThat(discard.statusCode()).as("discard %s", name).isEqualTo(404);
        }
        assertThat(rabbitAdmin.getQueueInfo(foreign + ".dlq").getMessageCount()).as("nothing moved").isEqualTo(1);
        assertThat(call("GET", "/actuator/warren/" + queue + ".dlq", null, true).statusCode()).isEqualTo(200);
    }

    @Test
    void offsetAndLimitPageThroughTheDeadLetters() throws Exception {
        context = new SpringApplicationBuilder(SecuredOrdersApp.class).run("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren");
        org.springframework.amqp.rabbit.core.RabbitTemplate template = new org.springframework.amqp.rabbit.core.RabbitTemplate(admin);
        for (int i = 0; i < 5; i++) {
            String id = "page-" + i;
            template.convertAndSend("", queue + ".dlq", "{\"id\":\"" + id + "\"}", message -> {
                message.getMessageProperties().setMessageId(id);
                return message;
            });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/actuator/warren/" + queue + "?offset=4&limit=2", null, true)
                .body().contains("\"messageId\":\"page-4\""));

        HttpResponse<String> second = call("GET", "/actuator/warren/" + queue + "?offset=2&limit=2", null, true);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"offset\":2", "\"messageId\":\"page-2\"", "\"messageId\":\"page-3\"",
                "\"nextOffset\":4").doesNotContain("page-1\"", "page-4\"");
        HttpResponse<String> last = call("GET", "/actuator/warren/" + queue + "?offset=4&limit=2", null, true);
        assertThat(last.body()).contains("\"messageId\":\"page-4\"", "\"count\":5").doesNotContain("\"nextOffset\":6");
    }
}
