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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:"
                + context.getEnvironment().getProperty("local.server.port") + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authenticated) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readAndWriteOperationsWorkForAnAuthenticatedOperatorAndAreRefusedOtherwise() throws Exception {
        context = new SpringApplicationBuilder(SecuredOrdersApp.class).run("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren",
                "--spring.security.user.name=ops", "--spring.security.user.password=s3cret");
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
        assertThat(peek.body()).contains("cannot be processed yet", "\"failureClass\":\"unknown\"", "\"groups\"");

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
}
