package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import dev.warren.spring.autoconfigure.internal.WarrenFailureAnalyzer;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.test.RabbitManagement;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The broker password of an application never shows: not in its logs (Warren, Spring AMQP and the
 * RabbitMQ client at DEBUG), not in any Actuator endpoint (warren with a dead letter's headers,
 * health with details, every metric and its tags, env, configprops, ...), not in the headers of a
 * dead-lettered message, not in the messages of failed start-ups. The application runs as a broker
 * user of its own with a random password, given in the forms that leak most easily: inside
 * {@code spring.rabbitmq.addresses} and inside {@code warren.management.url}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

    static final RabbitManagement management = RabbitBroker.get().management();
    static final String user = "warren-secrets-" + UUID.randomUUID().toString().substring(0, 8);
    /** Distinctive, and URL-safe so that it can sit in a URI's user info as it is. */
    static final String password = "Pw" + UUID.randomUUID().toString().replace("-", "");

    final String queue = RabbitBroker.uniqueName("it.secrets");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<String> seen = new ArrayList<>();
    ConfigurableApplicationContext context;

    @BeforeAll
    static void createUser() {
        // monitoring: Warren's policy check reads the management API with the application's credentials.
        management.createUser(user, password, "monitoring");
    }

    @AfterAll
    static void deleteUser() {
        management.deleteUser(user);
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        cleanup.close();
        admin.destroy();
    }

    private String addressWithPassword(int port) {
        String virtualHost = RabbitBroker.get().virtualHost();
        return "amqp://" + user + ":" + password + "@" + RabbitBroker.get().host() + ":" + port
                + (virtualHost.equals("/") ? "" : "/" + virtualHost);
    }

    private List<String> arguments(String address, String... more) {
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spring.rabbitmq.addresses=" + address,
                "--test.queue=" + queue, "--management.endpoints.web.exposure.include=*",
                "--management.endpoint.health.show-details=always", "--management.endpoint.health.show-components=always",
                "--spring.security.user.name=" + SecuredOrdersApp.USER, "--spring.security.user.password=" + SecuredOrdersApp.PASSWORD,
                "--logging.level.dev.warren=DEBUG", "--logging.level.org.springframework.amqp=DEBUG",
                "--logging.level.com.rabbitmq=DEBUG", "--logging.level.org.springframework.boot.amqp=DEBUG",
                "--logging.level.org.springframework.boot.actuate=DEBUG"));
        arguments.addAll(List.of(more));
        return arguments;
    }

    private ConfigurableApplicationContext run(List<String> arguments) {
        return new SpringApplicationBuilder(SecuredOrdersApp.class).run(arguments.toArray(String[]::new));
    }

    @Test
    void passwordAppearsInNoLogNoEndpointAndNoDeadLetter(CapturedOutput output) throws Exception {
        context = run(arguments(addressWithPassword(RabbitBroker.get().port()),
                "--warren.management.url=" + withUserInfo(management.url())));
        Warren warren = context.getBean(Warren.class);
        warren.send(queue, new SecuredOrdersApp.Order("o-1"), PublishOptions.builder().messageId("o-1").build());
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/actuator/warren/" + queue).contains("\"messageId\":\"o-1\""));
        context.getBean(SecuredOrdersApp.Orders.class).fixed = true;
        warren.send(queue, new SecuredOrdersApp.Order("o-2"));
        await().atMost(Duration.ofSeconds(15)).until(() -> context.getBean(SecuredOrdersApp.Orders.class).processed.contains("o-2"));

        // Every endpoint the application exposes, except the heap dump, which holds all memory by design.
        String links = get("/actuator");
        Matcher href = Pattern.compile("\"href\":\"http://localhost:\\d+(/actuator/[^\"{]+)\",\"templated\":false").matcher(links);
        List<String> endpoints = new ArrayList<>();
        while (href.find()) {
            endpoints.add(href.group(1));
        }
        assertThat(endpoints).contains("/actuator/warren", "/actuator/health", "/actuator/metrics", "/actuator/env",
                "/actuator/configprops");
        for (String endpoint : endpoints) {
            if (!endpoint.endsWith("/heapdump")) {
                get(endpoint);
            }
        }
        get("/actuator/warren/" + queue);
        get("/actuator/health/warren");
        get("/actuator/env/spring.rabbitmq.addresses");
        get("/actuator/env/warren.management.url");
        Matcher name = Pattern.compile("\"([a-z0-9_.]+)\"").matcher(get("/actuator/metrics"));
        int meters = 0;
        while (name.find()) {
            if (!name.group(1).equals("names")) {
                get("/actuator/metrics/" + name.group(1));
                meters++;
            }
        }
        assertThat(meters).as("meters read").isGreaterThan(10);
        assertThat(String.join("\n", seen)).contains("warren.messages", "\"queue\"", "it.secrets", "UP", "deadLetterQueues");

        Message deadLetter = new RabbitTemplate(admin).receive(queue + ".dlq", 5_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getMessageProperties().getHeaders()).containsKey("x-exception-stacktrace");
        seen.add(deadLetter.getMessageProperties().toString());
        seen.add(new String(deadLetter.getBody(), StandardCharsets.UTF_8));

        context.close();
        assertThat(output.getAll()).as("the DEBUG levels took effect").contains("DEBUG [", "d.w.internal.rabbit.");
        assertNoPassword(output.getAll());
        assertNoPassword(String.join("\n", seen));
    }

    @Test
    void unreachableManagementApiWithCredentialsInItsUrlIsReportedWithoutThem(CapturedOutput output) throws Exception {
        context = run(arguments(addressWithPassword(RabbitBroker.get().port()),
                "--warren.management.url=" + withUserInfo(URI.create("http://127.0.0.1:" + closedPort()))));

        assertThat(output).contains("Skipped the check of broker policies: The RabbitMQ management API at http://127.0.0.1:");
        context.close();
        assertNoPassword(output.getAll());
    }

    @Test
    void managementApiRefusingTheUserIsReportedWithoutThePassword(CapturedOutput output) {
        context = run(arguments(addressWithPassword(RabbitBroker.get().port()),
                "--warren.management.url=" + management.url(), "--warren.management.username=nobody-" + user));

        assertThat(output).contains("answered 401", "nobody-" + user);
        context.close();
        assertNoPassword(output.getAll());
    }

    @Test
    void unreachableBrokerFailsStartUpWithoutThePassword(CapturedOutput output) throws Exception {
        Throwable failure = catchStartUpFailure(arguments(addressWithPassword(closedPort())));

        assertThat(output).contains("APPLICATION FAILED TO START");
        assertNoPassword(output.getAll());
        assertNoPassword(describe(failure));
    }

    @Test
    void refusedLoginFailsStartUpWithoutThePassword(CapturedOutput output) {
        // A wrong password that starts with the right one: the right one shows wherever the wrong one would.
        String address = addressWithPassword(RabbitBroker.get().port()).replace(":" + password + "@", ":" + password + "wrong@");

        Throwable failure = catchStartUpFailure(arguments(address));

        assertThat(describe(failure)).contains("ACCESS_REFUSED");
        assertNoPassword(output.getAll());
        assertNoPassword(describe(failure));
    }

    private static Throwable catchStartUpFailure(List<String> arguments) {
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> new SpringApplicationBuilder(SecuredOrdersApp.class).run(arguments.toArray(String[]::new)))
                .satisfies(thrown -> failure[0] = thrown);
        return failure[0];
    }

    /** The failure as an operator would see it: every message and stack trace, and Spring Boot's analysis. */
    private static String describe(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        FailureAnalysis analysis = new WarrenFailureAnalyzer().analyze(failure);
        if (analysis != null) {
            text.append(analysis.getDescription()).append('\n').append(analysis.getAction());
        }
        return text.toString();
    }

    private static void assertNoPassword(String text) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        assertThat(text).isNotBlank().doesNotContain(password).doesNotContain(basic);
    }

    private static URI withUserInfo(URI url) {
        return URI.create(url.getScheme() + "://" + user + ":" + password + "@" + url.getHost() + ":" + url.getPort());
    }

    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + context.getEnvironment().getProperty("local.server.port") + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (SecuredOrdersApp.USER + ":" + SecuredOrdersApp.PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        seen.add(path + " -> " + response.body());
        return response.body();
    }
}
