package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.internal.rabbit.PolicyCheck;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.ManagementApi;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The start-up check of broker policies against what Warren's queues need. */
class PolicyCheckIT {

    record Job(String id) {
    }

    static final class Worker {
        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 5, backoff = "1s", multiplier = 1))
        void process(Job job) {
        }
    }

    final String queue = RabbitBroker.uniqueName("it.policy");
    final String policy = RabbitBroker.uniqueName("it-policy");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final RabbitManagement management = RabbitBroker.get().management();
    final ManagementApi api = new ManagementApi(management.url(), management.username(), management.password(),
            management.virtualHost());

    @AfterEach
    void close() {
        management.deletePolicy(policy);
        broker.close();
    }

    @Test
    void aDeliveryLimitBelowTheRetryBudgetFailsStartUpNamingThePolicy() {
        management.putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "$", "{\"delivery-limit\":2}");
        WarrenEngine engine = broker.build(broker.engine(new Worker()).managementApi(api));

        assertThatThrownBy(engine::start)
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("policy '" + policy + "'")
                .hasMessageContaining("queue '" + queue + "'")
                .hasMessageContaining("delivery-limit 2, below the handler's 5 attempts");
    }

    @Test
    void aTtlOnTheDeadLetterQueueIsAProblemAndAShorterTtlOnADelayQueueAWarning() {
        management.putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "\\.(dlq|retry\\..*)$", "{\"message-ttl\":500}");
        WarrenEngine engine = broker.build(broker.engine(new Worker()));

        PolicyCheck.Findings findings = new PolicyCheck(api, JsonMapper.builder().build())
                .check(engine.topology(), Map.of(queue, 5));

        assertThat(findings.problems()).singleElement().asString()
                .contains(queue + ".dlq", "message-ttl 500 ms", "dead letters would be deleted");
        assertThat(findings.warnings()).singleElement().asString()
                .contains(queue + ".retry.1s", "retries come back after 500 ms instead of 1000 ms");
    }

    @Test
    void aPolicyThatTurnsAtLeastOnceDeadLetteringOffFailsStartUp() {
        // On a quorum queue the policy's overflow wins over the queue's x-overflow argument.
        management.putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "$",
                "{\"max-length\":1000,\"overflow\":\"drop-head\"}");
        WarrenEngine engine = broker.build(broker.engine(new Worker()).managementApi(api));

        assertThatThrownBy(engine::start)
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("policy '" + policy + "' applies to queue '" + queue + "' with overflow drop-head")
                .hasMessageContaining("dead-letter at most once")
                .hasMessageContaining("overflow reject-publish");
    }

    @Test
    void aLengthLimitOnAWorkQueueIsAWarningThatPublishesToItAreRefusedWhenFull() {
        management.putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "$", "{\"max-length\":1000}");
        WarrenEngine engine = broker.build(broker.engine(new Worker()));

        PolicyCheck.Findings findings = new PolicyCheck(api, JsonMapper.builder().build())
                .check(engine.topology(), Map.of(queue, 5));

        assertThat(findings.problems()).isEmpty();
        assertThat(findings.warnings()).singleElement().asString()
                .contains("queue '" + queue + "'", "length limit", "refuses publishes", "NACKED");
    }

    @Test
    void withoutConflictingPoliciesTheEngineStarts() {
        WarrenEngine engine = broker.build(broker.engine(new Worker()).managementApi(api));

        engine.start();

        assertThat(engine.isRunning()).isTrue();
    }

    @Test
    void anUnreachableManagementApiIsSkipped() {
        ManagementApi nowhere = new ManagementApi(java.net.URI.create("http://127.0.0.1:1"), "guest", "guest", "/");
        WarrenEngine engine = broker.build(broker.engine(new Worker()).managementApi(nowhere));

        engine.start();

        assertThat(engine.isRunning()).isTrue();
    }
}
