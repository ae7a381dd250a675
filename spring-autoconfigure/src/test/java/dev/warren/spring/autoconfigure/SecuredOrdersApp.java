package dev.warren.spring.autoconfigure;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A web application with security, for the tests of the endpoint and the console: an order handler
 * that fails until it is fixed, so that orders land in the dead-letter queue of {@code ${test.queue}};
 * an operator and a user without the operator role.
 */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class SecuredOrdersApp {

    /** The operator the tests log in as: it has the role {@code WARREN_OPERATOR}. */
    public static final String USER = "ops";

    /** Its password. */
    public static final String PASSWORD = "s3cret";

    /** A user without the operator role, who may look but not touch. */
    public static final String VIEWER = "viewer";

    /** Its password. */
    public static final String VIEWER_PASSWORD = "v1ewer";

    /** An order. */
    public record Order(String id) {
    }

    /** Fails every order until {@link #fixed} is set, standing for a bug and its fix. */
    public static class Orders {
        public volatile boolean fixed;
        public final Set<String> processed = ConcurrentHashMap.newKeySet();

        @Consumer(queue = "${test.queue}", retry = @Retry(maxAttempts = 1))
        void handle(Order order) {
            if (!fixed) {
                throw new IllegalStateException("order " + order.id() + " cannot be processed yet");
            }
            processed.add(order.id());
        }
    }

    @Bean
    Orders orders() {
        return new Orders();
    }

    /** The two users. */
    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername(USER).password("{noop}" + PASSWORD).roles("WARREN_OPERATOR").build(),
                User.withUsername(VIEWER).password("{noop}" + VIEWER_PASSWORD).roles("SUPPORT").build());
    }

    /** The application's security: every request authenticated with HTTP Basic; API calls need no CSRF token. */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/actuator/**"))
                .build();
    }
}
