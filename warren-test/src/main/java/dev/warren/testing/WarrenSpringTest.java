package dev.warren.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A {@link SpringBootTest} whose application runs against a real broker, in a virtual host of
 * its own: {@code spring.rabbitmq.*} point at it, the {@link WarrenHarness} and the
 * {@link TestBroker} are beans to inject, and the engine reports every message to the harness.
 * The application is closed after the test class and the virtual host deleted with everything in
 * it; the harness is reset after each test, so the methods of one class run one after another
 * (test classes may run in parallel). Use it instead of {@code @SpringBootTest}.
 *
 * <pre>{@code
 * @WarrenSpringTest(timeScale = 0.001)
 * class BillingTests {
 *     @Autowired Warren warren;
 *     @Autowired WarrenHarness harness;
 *
 *     @Test
 *     void invoiceIsBilled() {
 *         warren.send("billing", new Invoice("i-1", 1999));
 *         assertThat(harness.awaitConsumed("billing", Invoice.class).amount()).isEqualTo(1999);
 *     }
 * }
 * }</pre>
 *
 * <p>Needs {@code spring-boot-starter-test} on the test class path. The broker is found as for
 * {@link WarrenTest}; without the management API the application shares the broker's virtual host
 * and its queues and topics are deleted when it closes.
 *
 * @since 0.1
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface WarrenSpringTest {

    /**
     * What every wait Warren schedules is multiplied by ({@code warren.time-scale}): retry backoffs
     * and circuit breakers' wait in the open state. 0.001 turns a one-minute backoff into 60 ms;
     * the application's code and configuration stay as they are.
     *
     * @return above 0 and at most 1; 1 for real time
     */
    double timeScale() default 1.0;

    /**
     * Properties to add to the environment, as {@link SpringBootTest#properties()}.
     *
     * @return {@code key=value} pairs
     */
    @AliasFor(annotation = SpringBootTest.class)
    String[] properties() default {};

    /**
     * The application's configuration classes, as {@link SpringBootTest#classes()}; by default the
     * {@code @SpringBootConfiguration} found in the test's package or above.
     *
     * @return the classes
     */
    @AliasFor(annotation = SpringBootTest.class)
    Class<?>[] classes() default {};

    /**
     * The web environment, as {@link SpringBootTest#webEnvironment()}.
     *
     * @return the web environment
     */
    @AliasFor(annotation = SpringBootTest.class)
    SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;

    /**
     * Application arguments, as {@link SpringBootTest#args()}.
     *
     * @return the arguments
     */
    @AliasFor(annotation = SpringBootTest.class)
    String[] args() default {};
}
