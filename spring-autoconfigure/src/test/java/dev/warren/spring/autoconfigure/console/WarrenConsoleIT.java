package dev.warren.spring.autoconfigure.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import dev.warren.spring.autoconfigure.SecuredOrdersApp;
import dev.warren.test.Chromium;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operator console in a real browser (headless Debian Chromium) against a real application and
 * broker: an operator sees why a message failed and replays it once the bug is fixed.
 */
class WarrenConsoleIT {

    static final String USER = SecuredOrdersApp.USER;
    static final String PASSWORD = SecuredOrdersApp.PASSWORD;

    final String queue = RabbitBroker.uniqueName("it.boot.console");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitAdmin rabbitAdmin = new RabbitAdmin(admin);
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ConfigurableApplicationContext context;
    WebDriver browser;
    Path profile;

    @AfterEach
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (context != null) {
                context.close();
            }
            cleanup.close();
            admin.destroy();
        } finally {
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }

    @Test
    void operatorSeesWhyAMessageFailedAndReplaysItFromTheConsole() throws Exception {
        browser = chromium();
        context = start("--warren.console.enabled=true");
        SecuredOrdersApp.Orders orders = context.getBean(SecuredOrdersApp.Orders.class);
        context.getBean(Warren.class).send(queue, new SecuredOrdersApp.Order("o-1"), PublishOptions.builder().messageId("o-1").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters() == 1);

        assertThat(get("/warren/index.html", false).statusCode()).as("the console is behind the application's security")
                .isEqualTo(401);
        browser.get("http://" + USER + ":" + PASSWORD + "@localhost:" + port() + "/warren/index.html");
        WebElement queueLink = awaitElement("button.queue-link[data-queue='" + queue + "']");
        assertThat(awaitElement("#dead-letter-queues tr[data-queue='" + queue + "'] .depth").getText()).isEqualTo("1");
        queueLink.click();

        String message = "article.message[data-message-id='o-1']";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text(message + " .reason"))
                .contains("order o-1 cannot be processed yet"));
        assertThat(text(message + " .meta")).contains("o-1", "unknown", "1 attempt");
        WebElement stackTrace = browser.findElement(By.cssSelector(message + " details.stack-trace"));
        assertThat(stackTrace.getDomAttribute("open")).as("the stack trace starts collapsed").isNull();
        stackTrace.findElement(By.tagName("summary")).click();
        assertThat(stackTrace.findElement(By.tagName("pre")).getText()).contains("IllegalStateException");

        browser.findElement(By.cssSelector(message + " button.discard")).click();
        browser.findElement(By.cssSelector(message + " button.confirm-discard")).click();
        assertThat(text("#status")).contains("A discard needs a reason");
        assertThat(deadLetters()).as("a discard without a reason leaves the message").isEqualTo(1);

        orders.fixed = true;
        browser.findElement(By.cssSelector(message + " button.replay")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.processed.contains("o-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters() == 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text("#status"))
                .startsWith("Replayed 1 message of " + queue));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text("#letters-note"))
                .isEqualTo("No dead letters."));
    }

    @Test
    void aUserWithoutTheOperatorRoleSeesWhyButNotTheBodyAndCannotReplay() throws Exception {
        browser = chromium();
        context = start("--warren.console.enabled=true");
        context.getBean(Warren.class).send(queue, new SecuredOrdersApp.Order("o-9"), PublishOptions.builder().messageId("o-9").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters() == 1);

        browser.get("http://" + SecuredOrdersApp.VIEWER + ":" + SecuredOrdersApp.VIEWER_PASSWORD + "@localhost:" + port()
                + "/warren/index.html");
        awaitElement("button.queue-link[data-queue='" + queue + "']").click();
        String message = "article.message[data-message-id='o-9']";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text(message + " .reason"))
                .contains("order o-9 cannot be processed yet"));
        assertThat(text(message + " .details-hidden")).isEqualTo(
                "Body (12 bytes), headers and stack trace are shown to operators only.");
        assertThat(browser.findElements(By.cssSelector(message + " details.body"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("{\"id\":\"o-9\"}");

        browser.findElement(By.cssSelector(message + " button.replay")).click();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text("#status")).isEqualTo(
                "Refused (403): user viewer may not replay: it needs the role WARREN_OPERATOR (warren.operator.role)."));
        assertThat(deadLetters()).as("the message stays where it is").isEqualTo(1);
    }

    @Test
    void consoleIsNotServedUnlessEnabled() throws Exception {
        context = start();

        assertThat(get("/warren/index.html", true).statusCode()).isEqualTo(404);
        assertThat(get("/warren/console.js", true).statusCode()).isEqualTo(404);
        assertThat(get("/actuator/warren", true).statusCode()).as("the endpoint does not depend on the console")
                .isEqualTo(200);
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(), "--test.queue=" + queue,
                "--management.endpoints.web.exposure.include=health,warren"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(SecuredOrdersApp.class).run(args.toArray(String[]::new));
    }

    private String port() {
        return context.getEnvironment().getProperty("local.server.port");
    }

    private long deadLetters() {
        Properties properties = rabbitAdmin.getQueueProperties(queue + ".dlq");
        assertThat(properties).as("queue %s.dlq exists", queue).isNotNull();
        return ((Number) properties.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).longValue();
    }

    private HttpResponse<String> get(String path, boolean authenticated) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path));
        if (authenticated) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private WebElement awaitElement(String css) {
        try {
            return await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector(css)).stream()
                    .findFirst().orElse(null), element -> element != null);
        } catch (ConditionTimeoutException e) {
            List<WebElement> status = browser.findElements(By.id("status"));
            throw new AssertionError("the console at " + browser.getCurrentUrl() + " shows no " + css + " within 10 s; "
                    + "its status line says: " + (status.isEmpty() ? "(no status line)" : status.get(0).getText()), e);
        }
    }

    private String text(String css) {
        return awaitElement(css).getText();
    }

    /**
     * Headless Debian Chromium driven through its chromedriver, with a fresh profile; {@link Chromium#get()}
     * installs both when missing, or fails saying what to install.
     */
    private WebDriver chromium() throws IOException {
        Chromium chromium = Chromium.get();
        profile = Files.createTempDirectory("warren-console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.browser().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromium.driver().toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
