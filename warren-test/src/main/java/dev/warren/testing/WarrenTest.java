package dev.warren.testing;

import dev.warren.testing.internal.WarrenExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit test class against a real broker, in a virtual host of its own: test methods,
 * constructors and {@code @BeforeAll} methods get the {@link TestBroker} and the class's
 * {@link WarrenHarness} as parameters. The virtual host is deleted after the class, with
 * everything in it; the harness is reset after each test. Test classes may run in parallel, but
 * the methods of one class share the harness and must run one after another (with JUnit's parallel
 * execution: {@code junit.jupiter.execution.parallel.mode.default=same_thread} and
 * {@code junit.jupiter.execution.parallel.mode.classes.default=concurrent}).
 *
 * <pre>{@code
 * @WarrenTest(timeScale = 0.001)
 * class InvoiceHandlerTests {
 *     @Test
 *     void badJsonIsDeadLetteredWithTheReason(TestBroker broker, WarrenHarness harness) {
 *         broker.start(new InvoiceHandler());
 *         harness.publishRaw("invoices", "{\"id\": ");
 *         assertThat(harness.awaitDeadLettered("invoices")).contains("does not decode as JSON");
 *     }
 * }
 * }</pre>
 *
 * <p>For a Spring Boot application, use {@link WarrenSpringTest} instead.
 *
 * @since 0.1
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WarrenExtension.class)
public @interface WarrenTest {

    /**
     * What every wait Warren schedules is multiplied by in the engines and applications this class
     * starts through its {@link TestBroker}: retry backoffs and circuit breakers' wait in the open
     * state. 0.001 turns a one-minute backoff into 60 ms; the code under test stays as it is.
     *
     * @return above 0 and at most 1; 1 for real time
     */
    double timeScale() default 1.0;
}
