package dev.warren.test;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management plugin of the machine's own RabbitMQ node, enabled with
 * {@code rabbitmq-plugins enable rabbitmq_management} when its API does not answer: the Debian
 * package installs the plugin but leaves it off, and several tests set policies through the API.
 * This is what {@code .ci/run} used to do by hand before {@code ./mvnw -B verify}; doing it here
 * means the README's command passes on a fresh machine, from Maven or an IDE alike.
 *
 * <p>Only a broker on the loopback address is touched, and only when {@code RABBITMQ_MANAGEMENT_URI}
 * is unset; {@code rabbitmq-plugins} acts on the node that {@code /etc/rabbitmq/rabbitmq-env.conf}
 * names, which is the one on 5672. Enabling is idempotent, so test JVMs that race here do no harm.
 *
 * <p>Blocks the calling thread for up to {@link #COMMAND_TIMEOUT} plus {@link #API_TIMEOUT}.
 */
final class LocalManagementPlugin {

    private static final Logger log = LoggerFactory.getLogger(LocalManagementPlugin.class);

    /** How long {@code rabbitmq-plugins enable} may take; it starts the plugin before it returns. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    /** How long the API may take to answer once the plugin is enabled. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(60);

    private static final String PLUGIN = "rabbitmq_management";
    private static final List<Path> PLUGINS_LOCATIONS = List.of(Path.of("/usr/sbin/rabbitmq-plugins"),
            Path.of("/usr/lib/rabbitmq/bin/rabbitmq-plugins"), Path.of("/usr/local/sbin/rabbitmq-plugins"));

    private LocalManagementPlugin() {
    }

    /** Whether {@code host} is this machine's loopback address, where the local node listens. */
    static boolean isLocal(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]");
    }

    /**
     * Enables the plugin on the local node and waits until {@code management} answers.
     *
     * @param management the API that did not answer, with the broker's credentials
     * @return {@code management}, now answering
     * @throws IllegalStateException when {@code rabbitmq-plugins} is missing, fails (for example when
     *     not run as root or the rabbitmq user), or the API does not answer in time; the message says
     *     what to run by hand
     */
    static RabbitManagement enable(RabbitManagement management) {
        Path plugins = rabbitmqPlugins();
        String byHand = "enable it with 'sudo rabbitmq-plugins enable " + PLUGIN + "', or set "
                + RabbitBroker.MANAGEMENT_URI_VARIABLE + " to a management API of the same broker";
        if (plugins == null) {
            throw new IllegalStateException("The RabbitMQ management API does not answer at " + management.url()
                    + " and rabbitmq-plugins is not installed here (looked in " + PLUGINS_LOCATIONS + "); " + byHand);
        }
        log.info("The RabbitMQ management API does not answer at {}; enabling the plugin on the local broker: {} enable {}",
                management.url(), plugins, PLUGIN);
        ExternalCommand.Result result = ExternalCommand.run(COMMAND_TIMEOUT, Path.of(System.getProperty("java.io.tmpdir")),
                Map.of(), plugins.toString(), "enable", PLUGIN);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(plugins + " enable " + PLUGIN + " exited with " + result.exitCode()
                    + " (it must run as root or the rabbitmq user, on the machine of the broker at " + management.url()
                    + "): " + result.output().strip() + "; " + byHand);
        }
        try {
            await().atMost(API_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(management::answers);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Enabled " + PLUGIN + " on the local broker, but its API did not answer at "
                    + management.url() + " within " + API_TIMEOUT + "; see the broker's log in /var/log/rabbitmq, and "
                    + byHand, e);
        }
        log.info("The RabbitMQ management API answers at {}; the plugin stays enabled "
                + "(turn it off with 'rabbitmq-plugins disable {}')", management.url(), PLUGIN);
        return management;
    }

    private static @Nullable Path rabbitmqPlugins() {
        return PLUGINS_LOCATIONS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }
}
