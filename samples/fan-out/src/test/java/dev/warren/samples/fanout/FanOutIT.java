package dev.warren.samples.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Subscribe;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The sample against the real broker, then a fifth subscriber deployed next to it. */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenTest
class FanOutIT {

    static final List<String> GROUPS = List.of("welcome-email", "analytics", "crm-contact", "push-notification");

    /** The fifth subscriber, as its team would write it: one annotated method. */
    static class AuditLog {

        final List<String> userIds = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${users.topic}", group = "audit")
        void record(UserCreated user) {
            userIds.add(user.userId());
        }
    }

    /**
     * The service that hosts it, started after the user service. Not a {@code @Configuration}, so
     * the sample's component scan does not pick it up.
     */
    @EnableAutoConfiguration
    @Import(AuditLog.class)
    static class AuditService {
    }

    @Test
    void everyGroupGetsEachUserOnceAndAFifthGroupNeedsNoPublisherChange(TestBroker broker, WarrenHarness harness) {
        ConfigurableApplicationContext users = new SpringApplicationBuilder(FanOutApplication.class)
                .initializers(broker.applicationInitializer()).run("--server.port=0");
        RestClient api = RestClient.create("http://localhost:" + users.getEnvironment().getProperty("local.server.port"));

        String ada = signUp(api, "ada@example.com", "Ada");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(handledBy(api, ada)).containsExactlyInAnyOrderElementsOf(GROUPS));

        // A new team deploys the audit subscriber; the user service keeps running, untouched.
        ConfigurableApplicationContext audit = new SpringApplicationBuilder(AuditService.class).web(WebApplicationType.NONE)
                .initializers(broker.applicationInitializer()).run();
        AuditLog auditLog = audit.getBean(AuditLog.class);

        String grace = signUp(api, "grace@example.com", "Grace");
        assertThat(harness.awaitConsumed("user.created.audit", UserCreated.class).userId()).isEqualTo(grace);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(handledBy(api, grace)).containsExactlyInAnyOrderElementsOf(GROUPS));
        // Each group got each event once; the new group gets the events published after its queue exists.
        assertThat(handledBy(api, ada)).containsExactlyInAnyOrderElementsOf(GROUPS);
        assertThat(auditLog.userIds).containsExactly(grace);
    }

    private static String signUp(RestClient api, String email, String name) {
        ResponseEntity<Map> response = api.post().uri("/users").body(Map.of("email", email, "name", name))
                .retrieve().toEntity(Map.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(201));
        return (String) response.getBody().get("user_id");
    }

    private static List<Object> handledBy(RestClient api, String userId) {
        return (List<Object>) api.get().uri("/users/{id}", userId).retrieve().body(Map.class).get("handled_by");
    }
}
