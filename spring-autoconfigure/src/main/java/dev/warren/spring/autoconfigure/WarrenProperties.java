package dev.warren.spring.autoconfigure;

import dev.warren.annotation.Delivery;
import dev.warren.annotation.QueueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Warren's {@code warren.*} properties. A queue's settings override its handler's annotation, which
 * overrides the defaults:
 *
 * <pre>
 * warren:
 *   defaults:
 *     retry: { max-attempts: 3, backoff: 1s, multiplier: 2, max-backoff: 1m }
 *   queues:
 *     video.process:            # the consumer name: a @Consumer's queue, or topic.group of a @Subscribe
 *       concurrency: 5
 *       prefetch: 10
 *       idempotency: { enabled: true }
 *   idempotency:
 *     store: redis
 * </pre>
 *
 * <p>Bound once at start-up and converted to Warren's immutable settings, which validate every value
 * and name the property in the error.
 *
 * @since 0.1
 */
@ConfigurationProperties("warren")
public class WarrenProperties {

    /** Whether Warren is configured at all: declares its topology, runs consumers and offers its publisher. */
    private boolean enabled = true;

    /**
     * The broker the handlers and the publisher of this application use: rabbitmq (Spring Boot's
     * spring.rabbitmq.* connection) or jms (the application's jakarta.jms.ConnectionFactory; needs
     * dev.warren:warren-jms and a JMS provider such as spring-boot-starter-artemis). A queue or
     * topic may name the other one in warren.queues.<name>.transport or warren.topics.<topic>.transport.
     */
    private Transport transport = Transport.RABBITMQ;

    /** Settings that apply only when warren.transport is jms. */
    private final Jms jms = new Jms();

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public Jms getJms() {
        return jms;
    }

    /** The broker Warren runs on. */
    public enum Transport {
        /** RabbitMQ through Spring Boot's RabbitMQ connection factory. */
        RABBITMQ,
        /** Any Jakarta Messaging (JMS) provider through the application's jakarta.jms.ConnectionFactory. */
        JMS
    }

    /** Warren on a JMS provider. */
    public static class Jms {

        /**
         * How a retried message waits out its backoff: delay-queues (a queue per backoff step, works
         * on every provider) or delivery-delay (the provider holds it; ActiveMQ Artemis does, the
         * RabbitMQ JMS client needs a broker plugin).
         */
        private RetryDelivery retryDelivery = RetryDelivery.DELAY_QUEUES;

        public RetryDelivery getRetryDelivery() {
            return retryDelivery;
        }

        public void setRetryDelivery(RetryDelivery retryDelivery) {
            this.retryDelivery = retryDelivery;
        }

        /**
         * How retry copies wait on JMS; mirrors {@code dev.warren.jms.RetryDelivery}, which is
         * not referenced here so that warren-jms stays optional.
         */
        public enum RetryDelivery {
            /** The provider holds the copy with a JMS 2.0 delivery delay. */
            DELIVERY_DELAY,
            /** The copy waits in a delay queue per backoff step and is moved back when due. */
            DELAY_QUEUES
        }
    }

    /** Settings every handler gets where its annotation and its warren.queues entry set nothing. */
    private final Defaults defaults = new Defaults();

    /**
     * Per-handler settings, keyed by consumer name: the queue of a @Consumer, {@code <topic>.<group>}
     * of a @Subscribe. Dots in the key need no brackets. An entry that matches no handler is logged
     * as a warning.
     */
    private final Map<String, QueueOverrides> queues = new LinkedHashMap<>();

    /** Where idempotent handlers remember processed messages. */
    private final Idempotency idempotency = new Idempotency();

    /**
     * Named circuit breakers, which handlers join with {@code circuitBreaker = "<name>"}; unset
     * values take {@code warren.defaults.circuit-breaker}.
     */
    private final Map<String, BreakerOverrides> circuitBreakers = new LinkedHashMap<>();

    /**
     * Topics to declare although no handler of this application subscribes, keyed by topic: the
     * topic exchange and a queue {@code <topic>.<group>} for each listed group.
     */
    private final Map<String, TopicDeclaration> topics = new LinkedHashMap<>();

    public Map<String, BreakerOverrides> getCircuitBreakers() {
        return circuitBreakers;
    }

    public Map<String, TopicDeclaration> getTopics() {
        return topics;
    }

    /** A topic declared in configuration alone. */
    public static class TopicDeclaration {

        /** The subscriber groups whose queues to declare and bind. */
        private List<String> groups = new ArrayList<>();

        /** The queue type of the group queues; by default warren.defaults.queue-type. */
        private @Nullable QueueType queueType;

        /**
         * The broker of this topic, when it is not warren.transport's: warren.publish to it goes
         * there. Each subscriber group's own broker is warren.queues.<topic>.<group>.transport.
         */
        private @Nullable Transport transport;

        public @Nullable Transport getTransport() {
            return transport;
        }

        public void setTransport(@Nullable Transport transport) {
            this.transport = transport;
        }

        public List<String> getGroups() {
            return groups;
        }

        public void setGroups(List<String> groups) {
            this.groups = groups;
        }

        public @Nullable QueueType getQueueType() {
            return queueType;
        }

        public void setQueueType(@Nullable QueueType queueType) {
            this.queueType = queueType;
        }
    }

    /** A circuit breaker's settings; unset values fall back to warren.defaults.circuit-breaker. */
    public static class BreakerOverrides {

        /** The breaker to join, for a queue entry; by default the queue's own breaker, named after it. */
        private @Nullable String name;

        /** Whether the queue's handler goes through a circuit breaker, for a queue entry. */
        private @Nullable Boolean enabled;

        /** Consecutive failures that open the breaker. */
        private @Nullable Integer failureThreshold;

        /** Failure percentage over the window that opens the breaker (1-100); 0 counts consecutive failures instead. */
        private @Nullable Integer failureRate;

        /** Recent calls the failure and slow-call rates are taken over. */
        private @Nullable Integer windowSize;

        /** Calls slower than this count as slow. */
        private @Nullable Duration slowCallDuration;

        /** Slow-call percentage over the window that opens the breaker (1-100). */
        private @Nullable Integer slowCallRate;

        /** How long the breaker stays open before its trial calls. */
        private @Nullable Duration wait;

        /** Calls let through while half-open; all must succeed for it to close. */
        private @Nullable Integer trialCalls;

        /** Exception types that count as failures; by default every failure that is not permanent. */
        private List<Class<? extends Throwable>> failureExceptions = new ArrayList<>();

        /** @return whether any breaker setting is given */
        public boolean hasSettings() {
            return failureThreshold != null || failureRate != null || windowSize != null || slowCallDuration != null
                    || slowCallRate != null || wait != null || trialCalls != null || !failureExceptions.isEmpty();
        }

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable Integer getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(@Nullable Integer failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        public @Nullable Integer getFailureRate() {
            return failureRate;
        }

        public void setFailureRate(@Nullable Integer failureRate) {
            this.failureRate = failureRate;
        }

        public @Nullable Integer getWindowSize() {
            return windowSize;
        }

        public void setWindowSize(@Nullable Integer windowSize) {
            this.windowSize = windowSize;
        }

        public @Nullable Duration getSlowCallDuration() {
            return slowCallDuration;
        }

        public void setSlowCallDuration(@Nullable Duration slowCallDuration) {
            this.slowCallDuration = slowCallDuration;
        }

        public @Nullable Integer getSlowCallRate() {
            return slowCallRate;
        }

        public void setSlowCallRate(@Nullable Integer slowCallRate) {
            this.slowCallRate = slowCallRate;
        }

        public @Nullable Duration getWait() {
            return wait;
        }

        public void setWait(@Nullable Duration wait) {
            this.wait = wait;
        }

        public @Nullable Integer getTrialCalls() {
            return trialCalls;
        }

        public void setTrialCalls(@Nullable Integer trialCalls) {
            this.trialCalls = trialCalls;
        }

        public List<Class<? extends Throwable>> getFailureExceptions() {
            return failureExceptions;
        }

        public void setFailureExceptions(List<Class<? extends Throwable>> failureExceptions) {
            this.failureExceptions = failureExceptions;
        }
    }

    /** Publisher settings. */
    private final Publisher publisher = new Publisher();

    /** Who owns the broker's topology: Warren (declare) or the platform (passive). */
    private final Topology topology = new Topology();

    public Topology getTopology() {
        return topology;
    }

    /** Whether Warren declares its exchanges, queues and bindings. */
    public static class Topology {

        /**
         * declare (the default): Warren declares every exchange, queue and binding it needs. passive:
         * Warren declares nothing, and at start-up checks through the management API that everything
         * exists with compatible types and arguments, failing with every difference listed. Export
         * what to create with GET /actuator/warren/topology/definitions.
         */
        private dev.warren.topology.TopologyMode declare = dev.warren.topology.TopologyMode.DECLARE;

        public dev.warren.topology.TopologyMode getDeclare() {
            return declare;
        }

        public void setDeclare(dev.warren.topology.TopologyMode declare) {
            this.declare = declare;
        }
    }

    /** The broker's management API, through which Warren checks at start-up that no policy undermines its queues. */
    private final Management management = new Management();

    public Management getManagement() {
        return management;
    }

    /** Queue alerts: thresholds and how often the queues are looked at. */
    private final Alerts alerts = new Alerts();

    /** The operator console at /warren/index.html. */
    private final Console console = new Console();

    /** Who may operate dead letters through the warren Actuator endpoint and the console. */
    private final Operator operator = new Operator();

    public Operator getOperator() {
        return operator;
    }

    /** Who may replay and discard dead letters and read their bodies, headers and stack traces. */
    public static class Operator {

        /** The role, without the ROLE_ prefix, that replay, discard and reading message contents need. */
        private String role = "WARREN_OPERATOR";

        /**
         * Whether a caller without an authenticated user counts as an operator. Only for an endpoint
         * that only trusted people can reach, such as an application without Spring Security on a
         * private management port.
         */
        private boolean allowAnonymous;

        public String getRole() {
            return role;
        }

        public void setRole(String role) {
            this.role = role;
        }

        public boolean isAllowAnonymous() {
            return allowAnonymous;
        }

        public void setAllowAnonymous(boolean allowAnonymous) {
            this.allowAnonymous = allowAnonymous;
        }
    }

    public Console getConsole() {
        return console;
    }

    /** The operator console: dead letters with replay and discard, behind the application's security. */
    public static class Console {

        /** Whether to serve the console at /warren/index.html; it needs the warren endpoint exposed. */
        private boolean enabled;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    public Alerts getAlerts() {
        return alerts;
    }

    /** Thresholds of the queue alerts, published as application events and logged. */
    public static class Alerts {

        /** How often the broker is asked for the queues' depth and dead letters. */
        private Duration interval = Duration.ofSeconds(30);

        /** Messages waiting in a work queue beyond which a BACKLOG alert is raised. */
        private long backlog = 10_000;

        /** Age of the oldest waiting message beyond which an OLDEST_MESSAGE alert is raised. */
        private Duration oldestMessage = Duration.ofHours(1);

        /** Dead letters beyond which a DEAD_LETTERS_WARNING is raised. */
        private long deadLettersWarning = 10;

        /** Dead letters beyond which a DEAD_LETTERS alert is raised. */
        private long deadLetters = 100;

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public long getBacklog() {
            return backlog;
        }

        public void setBacklog(long backlog) {
            this.backlog = backlog;
        }

        public Duration getOldestMessage() {
            return oldestMessage;
        }

        public void setOldestMessage(Duration oldestMessage) {
            this.oldestMessage = oldestMessage;
        }

        public long getDeadLettersWarning() {
            return deadLettersWarning;
        }

        public void setDeadLettersWarning(long deadLettersWarning) {
            this.deadLettersWarning = deadLettersWarning;
        }

        public long getDeadLetters() {
            return deadLetters;
        }

        public void setDeadLetters(long deadLetters) {
            this.deadLetters = deadLetters;
        }
    }

    /** The management API used for the start-up check of broker policies. */
    public static class Management {

        /** Whether to check the broker's policies at start-up. */
        private boolean checkPolicies = true;

        /**
         * The API's URL, http or https. By default http on port 15672 of the RabbitMQ host, or
         * https on port 15671 when spring.rabbitmq.ssl is enabled, used when it answers.
         * Credentials written into it (https://user:password@host) are taken out of it and used
         * as username and password.
         */
        private java.net.@Nullable URI url;

        /** The API user; by default spring.rabbitmq.username. Needs the monitoring tag. */
        private @Nullable String username;

        /** The API password; by default spring.rabbitmq.password. */
        private @Nullable String password;

        /** TLS towards an https URL. */
        private final Ssl ssl = new Ssl();

        public Ssl getSsl() {
            return ssl;
        }

        /** TLS towards the management API. */
        public static class Ssl {

            /**
             * The SSL bundle (spring.ssl.bundle.*) whose trust material verifies the API's
             * certificate; by default the bundle of spring.rabbitmq.ssl.bundle, else the JVM's
             * trust store.
             */
            private @Nullable String bundle;

            public @Nullable String getBundle() {
                return bundle;
            }

            public void setBundle(@Nullable String bundle) {
                this.bundle = bundle;
            }
        }

        public boolean isCheckPolicies() {
            return checkPolicies;
        }

        public void setCheckPolicies(boolean checkPolicies) {
            this.checkPolicies = checkPolicies;
        }

        public java.net.@Nullable URI getUrl() {
            return url;
        }

        public void setUrl(java.net.@Nullable URI url) {
            this.url = url;
        }

        public @Nullable String getUsername() {
            return username;
        }

        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        public @Nullable String getPassword() {
            return password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * What every wait Warren schedules is multiplied by, for tests: retry backoffs and circuit
     * breakers' wait in the open state. Above 0 and at most 1; 0.001 turns a one-minute backoff
     * into 60 ms. Leave it at 1 in production.
     */
    private double timeScale = 1.0;

    public double getTimeScale() {
        return timeScale;
    }

    public void setTimeScale(double timeScale) {
        if (!(timeScale > 0) || timeScale > 1) {
            throw new IllegalArgumentException("warren.time-scale must be above 0 and at most 1 but was " + timeScale
                    + "; use 1 for real time, 0.001 to turn a minute into 60 ms");
        }
        this.timeScale = timeScale;
    }

    /**
     * How long stopping Warren (a shutdown, or a circuit breaker's pause) waits for handlers still
     * running before it closes their channels, such as 30s or 2m; a handler cut off then has its
     * message delivered again. Make it longer than the slowest handler takes, and shorter than the
     * platform's grace period for shutting the application down (RabbitMQ).
     */
    private Duration shutdownTimeout = dev.warren.WarrenEngine.Builder.DEFAULT_SHUTDOWN_TIMEOUT;

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        if (shutdownTimeout.isZero() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("warren.shutdown-timeout must be above 0 but was " + shutdownTimeout
                    + "; make it longer than the slowest handler takes, e.g. 30s");
        }
        this.shutdownTimeout = shutdownTimeout;
    }

    public Defaults getDefaults() {
        return defaults;
    }

    public Map<String, QueueOverrides> getQueues() {
        return queues;
    }

    public Idempotency getIdempotency() {
        return idempotency;
    }

    public Publisher getPublisher() {
        return publisher;
    }

    /** Limits on the JSON every handler decodes, applied to the parser of a copy of the application's JSON mapper. */
    public static class JsonLimits {

        /** The deepest nesting of objects and arrays. */
        private int maxNestingDepth = 100;

        /** The longest string or field name, in characters. */
        private int maxStringLength = 1_048_576;

        /** The longest number, in characters. */
        private int maxNumberLength = 100;

        /** The longest document, such as 512KB; unset for no limit beyond max-message-size. */
        private @Nullable DataSize maxDocumentLength;

        public int getMaxNestingDepth() {
            return maxNestingDepth;
        }

        public void setMaxNestingDepth(int maxNestingDepth) {
            this.maxNestingDepth = maxNestingDepth;
        }

        public int getMaxStringLength() {
            return maxStringLength;
        }

        public void setMaxStringLength(int maxStringLength) {
            this.maxStringLength = maxStringLength;
        }

        public int getMaxNumberLength() {
            return maxNumberLength;
        }

        public void setMaxNumberLength(int maxNumberLength) {
            this.maxNumberLength = maxNumberLength;
        }

        public @Nullable DataSize getMaxDocumentLength() {
            return maxDocumentLength;
        }

        public void setMaxDocumentLength(@Nullable DataSize maxDocumentLength) {
            this.maxDocumentLength = maxDocumentLength;
        }
    }

    /** One handler's JSON limits; unset values fall back to warren.defaults.json. */
    public static class JsonLimitOverrides {

        /** The deepest nesting of objects and arrays. */
        private @Nullable Integer maxNestingDepth;

        /** The longest string or field name, in characters. */
        private @Nullable Integer maxStringLength;

        /** The longest number, in characters. */
        private @Nullable Integer maxNumberLength;

        /** The longest document, such as 512KB. */
        private @Nullable DataSize maxDocumentLength;

        public @Nullable Integer getMaxNestingDepth() {
            return maxNestingDepth;
        }

        public void setMaxNestingDepth(@Nullable Integer maxNestingDepth) {
            this.maxNestingDepth = maxNestingDepth;
        }

        public @Nullable Integer getMaxStringLength() {
            return maxStringLength;
        }

        public void setMaxStringLength(@Nullable Integer maxStringLength) {
            this.maxStringLength = maxStringLength;
        }

        public @Nullable Integer getMaxNumberLength() {
            return maxNumberLength;
        }

        public void setMaxNumberLength(@Nullable Integer maxNumberLength) {
            this.maxNumberLength = maxNumberLength;
        }

        public @Nullable DataSize getMaxDocumentLength() {
            return maxDocumentLength;
        }

        public void setMaxDocumentLength(@Nullable DataSize maxDocumentLength) {
            this.maxDocumentLength = maxDocumentLength;
        }
    }

    /** Defaults for every handler. */
    public static class Defaults {

        /** Concurrent consumers per handler in this instance. */
        private int concurrency = 1;

        /** Unacknowledged messages the broker may push to each consumer (1..65535); keep it small for slow work. */
        private int prefetch = 10;

        /** Queue type Warren declares: quorum (replicated, the safe default) or classic. */
        private QueueType queueType = QueueType.QUORUM;

        /** When messages are acknowledged: at-least-once (after the handler) or at-most-once (before it). */
        private Delivery delivery = Delivery.AT_LEAST_ONCE;

        /** How failed messages are retried before they are dead-lettered. */
        private final RetryDefaults retry = new RetryDefaults();

        /** How long idempotent handlers remember keys. */
        private final IdempotencyDefaults idempotency = new IdempotencyDefaults();

        /** A rate limit for every handler, such as 100/s; unset for none. */
        private @Nullable String rateLimit;

        /** Settings of every circuit breaker where its own entry sets nothing. */
        private final BreakerDefaults circuitBreaker = new BreakerDefaults();

        /**
         * The largest message body a handler accepts, such as 1MB or 512KB; a larger one is
         * dead-lettered without being decoded. Keep it below the broker's max_message_size.
         */
        private DataSize maxMessageSize = DataSize.ofMegabytes(1);

        /** Limits on the JSON a handler decodes; a document over one is dead-lettered with the limit it broke. */
        private final JsonLimits json = new JsonLimits();

        public DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public JsonLimits getJson() {
            return json;
        }

        public @Nullable String getRateLimit() {
            return rateLimit;
        }

        public void setRateLimit(@Nullable String rateLimit) {
            this.rateLimit = rateLimit;
        }

        public BreakerDefaults getCircuitBreaker() {
            return circuitBreaker;
        }

        public int getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        public int getPrefetch() {
            return prefetch;
        }

        public void setPrefetch(int prefetch) {
            this.prefetch = prefetch;
        }

        public QueueType getQueueType() {
            return queueType;
        }

        public void setQueueType(QueueType queueType) {
            this.queueType = queueType;
        }

        public Delivery getDelivery() {
            return delivery;
        }

        public void setDelivery(Delivery delivery) {
            this.delivery = delivery;
        }

        public RetryDefaults getRetry() {
            return retry;
        }

        public IdempotencyDefaults getIdempotency() {
            return idempotency;
        }
    }

    /** Default circuit breaker settings. */
    public static class BreakerDefaults {

        /** Consecutive failures that open a breaker. */
        private int failureThreshold = 5;

        /** Failure percentage over the window that opens a breaker (1-100); 0 counts consecutive failures instead. */
        private int failureRate;

        /** Recent calls the failure and slow-call rates are taken over. */
        private int windowSize = 20;

        /** Calls slower than this count as slow; unset not to count slow calls. */
        private @Nullable Duration slowCallDuration;

        /** Slow-call percentage over the window that opens a breaker (1-100). */
        private int slowCallRate = 100;

        /** How long a breaker stays open before its trial calls. */
        private Duration wait = Duration.ofSeconds(30);

        /** Calls let through while half-open; all must succeed for the breaker to close. */
        private int trialCalls = 3;

        public int getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        public int getFailureRate() {
            return failureRate;
        }

        public void setFailureRate(int failureRate) {
            this.failureRate = failureRate;
        }

        public int getWindowSize() {
            return windowSize;
        }

        public void setWindowSize(int windowSize) {
            this.windowSize = windowSize;
        }

        public @Nullable Duration getSlowCallDuration() {
            return slowCallDuration;
        }

        public void setSlowCallDuration(@Nullable Duration slowCallDuration) {
            this.slowCallDuration = slowCallDuration;
        }

        public int getSlowCallRate() {
            return slowCallRate;
        }

        public void setSlowCallRate(int slowCallRate) {
            this.slowCallRate = slowCallRate;
        }

        public Duration getWait() {
            return wait;
        }

        public void setWait(Duration wait) {
            this.wait = wait;
        }

        public int getTrialCalls() {
            return trialCalls;
        }

        public void setTrialCalls(int trialCalls) {
            this.trialCalls = trialCalls;
        }
    }

    /** The default retry policy. */
    public static class RetryDefaults {

        /** Attempts in all, the first delivery included; 1 means no retry. */
        private int maxAttempts = 3;

        /** The delay before the first retry. */
        private Duration backoff = Duration.ofSeconds(1);

        /** What each further delay is multiplied by (at least 1). */
        private double multiplier = 2.0;

        /** The longest delay. */
        private Duration maxBackoff = Duration.ofMinutes(1);

        /** The fraction by which delays vary, 0 to 0.5, so that retries do not arrive together. */
        private double jitter;

        /** Exception types that are permanent for every handler: dead-lettered without retries. */
        private List<Class<? extends Throwable>> permanent = new ArrayList<>();

        /** Exception types that are transient for every handler, besides I/O and timeout exceptions. */
        private List<Class<? extends Throwable>> retryable = new ArrayList<>();

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getBackoff() {
            return backoff;
        }

        public void setBackoff(Duration backoff) {
            this.backoff = backoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public List<Class<? extends Throwable>> getPermanent() {
            return permanent;
        }

        public void setPermanent(List<Class<? extends Throwable>> permanent) {
            this.permanent = permanent;
        }

        public List<Class<? extends Throwable>> getRetryable() {
            return retryable;
        }

        public void setRetryable(List<Class<? extends Throwable>> retryable) {
            this.retryable = retryable;
        }
    }

    /** How long idempotent handlers remember keys, by default. */
    public static class IdempotencyDefaults {

        /** How long a processed key is remembered; a duplicate arriving later is processed again. */
        private Duration ttl = Duration.ofHours(24);

        /** How long a claim holds if its consumer dies mid-handler; longer than the slowest handler run. */
        private Duration claimTtl = Duration.ofMinutes(5);

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Duration getClaimTtl() {
            return claimTtl;
        }

        public void setClaimTtl(Duration claimTtl) {
            this.claimTtl = claimTtl;
        }
    }

    /** One handler's settings; unset values fall back to the annotation, then the defaults. */
    public static class QueueOverrides {

        /** Concurrent consumers for this handler in this instance. */
        private @Nullable Integer concurrency;

        /** Unacknowledged messages the broker may push to each consumer of this handler (1..65535). */
        private @Nullable Integer prefetch;

        /** Queue type Warren declares for this handler's queue. */
        private @Nullable QueueType queueType;

        /** When this handler's messages are acknowledged. */
        private @Nullable Delivery delivery;

        /** How this handler's failed messages are retried. */
        private final RetryOverrides retry = new RetryOverrides();

        /** Whether and how this handler skips duplicates. */
        private final IdempotencyOverrides idempotency = new IdempotencyOverrides();

        /** The most messages this handler processes per second, minute or hour in this instance, such as 100/s. */
        private @Nullable String rateLimit;

        /** The circuit breaker this handler's calls go through: a named one, or its own with these settings. */
        private final BreakerOverrides circuitBreaker = new BreakerOverrides();

        /** Declare this queue (and its dead-letter queue) even when no handler of this application consumes it. */
        private @Nullable Boolean declare;

        /**
         * Further queue arguments, such as x-max-length: 100000 or x-overflow: reject-publish (on a
         * quorum queue the only overflow allowed: its at-least-once dead-lettering needs it).
         */
        private Map<String, String> arguments = new LinkedHashMap<>();

        /**
         * The broker of this queue, when it is not warren.transport's: its handler runs there and
         * warren.send to it goes there, so one application can use RabbitMQ and a JMS provider side by side.
         */
        private @Nullable Transport transport;

        public @Nullable Transport getTransport() {
            return transport;
        }

        public void setTransport(@Nullable Transport transport) {
            this.transport = transport;
        }

        /** The largest message body this handler accepts, such as 8MB; a larger one is dead-lettered undecoded. */
        private @Nullable DataSize maxMessageSize;

        /** Limits on the JSON this handler decodes. */
        private final JsonLimitOverrides json = new JsonLimitOverrides();

        public @Nullable DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(@Nullable DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public JsonLimitOverrides getJson() {
            return json;
        }

        public Map<String, String> getArguments() {
            return arguments;
        }

        public void setArguments(Map<String, String> arguments) {
            this.arguments = arguments;
        }

        public @Nullable String getRateLimit() {
            return rateLimit;
        }

        public void setRateLimit(@Nullable String rateLimit) {
            this.rateLimit = rateLimit;
        }

        public BreakerOverrides getCircuitBreaker() {
            return circuitBreaker;
        }

        public @Nullable Boolean getDeclare() {
            return declare;
        }

        public void setDeclare(@Nullable Boolean declare) {
            this.declare = declare;
        }

        public @Nullable Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(@Nullable Integer concurrency) {
            this.concurrency = concurrency;
        }

        public @Nullable Integer getPrefetch() {
            return prefetch;
        }

        public void setPrefetch(@Nullable Integer prefetch) {
            this.prefetch = prefetch;
        }

        public @Nullable QueueType getQueueType() {
            return queueType;
        }

        public void setQueueType(@Nullable QueueType queueType) {
            this.queueType = queueType;
        }

        public @Nullable Delivery getDelivery() {
            return delivery;
        }

        public void setDelivery(@Nullable Delivery delivery) {
            this.delivery = delivery;
        }

        public RetryOverrides getRetry() {
            return retry;
        }

        public IdempotencyOverrides getIdempotency() {
            return idempotency;
        }
    }

    /** One handler's retry policy; unset values fall back to the annotation, then the defaults. */
    public static class RetryOverrides {

        /** Attempts in all, the first delivery included; 1 means no retry. */
        private @Nullable Integer maxAttempts;

        /** The delay before the first retry. */
        private @Nullable Duration backoff;

        /** What each further delay is multiplied by. */
        private @Nullable Double multiplier;

        /** The longest delay. */
        private @Nullable Duration maxBackoff;

        /** The fraction by which delays vary, 0 to 0.5. */
        private @Nullable Double jitter;

        /** Exception types that are permanent for this handler, added to the others. */
        private List<Class<? extends Throwable>> permanent = new ArrayList<>();

        /** Exception types that are transient for this handler, added to the others. */
        private List<Class<? extends Throwable>> retryable = new ArrayList<>();

        public @Nullable Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(@Nullable Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public @Nullable Duration getBackoff() {
            return backoff;
        }

        public void setBackoff(@Nullable Duration backoff) {
            this.backoff = backoff;
        }

        public @Nullable Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(@Nullable Double multiplier) {
            this.multiplier = multiplier;
        }

        public @Nullable Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(@Nullable Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public @Nullable Double getJitter() {
            return jitter;
        }

        public void setJitter(@Nullable Double jitter) {
            this.jitter = jitter;
        }

        public List<Class<? extends Throwable>> getPermanent() {
            return permanent;
        }

        public void setPermanent(List<Class<? extends Throwable>> permanent) {
            this.permanent = permanent;
        }

        public List<Class<? extends Throwable>> getRetryable() {
            return retryable;
        }

        public void setRetryable(List<Class<? extends Throwable>> retryable) {
            this.retryable = retryable;
        }
    }

    /** One handler's deduplication. */
    public static class IdempotencyOverrides {

        /** Whether a message whose key was processed before is skipped. */
        private @Nullable Boolean enabled;

        /** The payload field that is the key (a JSON field name or pointer); unset for the message_id. */
        private @Nullable String keyField;

        /** How long a processed key is remembered. */
        private @Nullable Duration ttl;

        /** How long a claim holds if its consumer dies mid-handler. */
        private @Nullable Duration claimTtl;

        /** The store for this handler, if not warren.idempotency.store. */
        private Idempotency.@Nullable Store store;

        public Idempotency.@Nullable Store getStore() {
            return store;
        }

        public void setStore(Idempotency.@Nullable Store store) {
            this.store = store;
        }

        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getKeyField() {
            return keyField;
        }

        public void setKeyField(@Nullable String keyField) {
            this.keyField = keyField;
        }

        public @Nullable Duration getTtl() {
            return ttl;
        }

        public void setTtl(@Nullable Duration ttl) {
            this.ttl = ttl;
        }

        public @Nullable Duration getClaimTtl() {
            return claimTtl;
        }

        public void setClaimTtl(@Nullable Duration claimTtl) {
            this.claimTtl = claimTtl;
        }
    }

    /** The idempotency store shared by the idempotent handlers of this application. */
    public static class Idempotency {

        /**
         * The store: memory (this instance only), redis (needs spring-boot-starter-data-redis), jdbc (needs a
         * DataSource) or inbox (the handler's own database transaction; needs a DataSource).
         */
        private Store store = Store.MEMORY;

        /** Keys the in-memory store remembers before it forgets the oldest. */
        private int memoryMaxEntries = 100_000;

        /** Prefix of the Redis keys. */
        private String redisKeyPrefix = "warren:idempotency:";

        /** The table of the JDBC store. */
        private String jdbcTable = "warren_idempotency";

        /** Whether the JDBC store creates its table when it is missing. */
        private boolean jdbcCreateTable = true;

        public Store getStore() {
            return store;
        }

        public void setStore(Store store) {
            this.store = store;
        }

        public int getMemoryMaxEntries() {
            return memoryMaxEntries;
        }

        public void setMemoryMaxEntries(int memoryMaxEntries) {
            this.memoryMaxEntries = memoryMaxEntries;
        }

        public String getRedisKeyPrefix() {
            return redisKeyPrefix;
        }

        public void setRedisKeyPrefix(String redisKeyPrefix) {
            this.redisKeyPrefix = redisKeyPrefix;
        }

        public String getJdbcTable() {
            return jdbcTable;
        }

        public void setJdbcTable(String jdbcTable) {
            this.jdbcTable = jdbcTable;
        }

        public boolean isJdbcCreateTable() {
            return jdbcCreateTable;
        }

        public void setJdbcCreateTable(boolean jdbcCreateTable) {
            this.jdbcCreateTable = jdbcCreateTable;
        }

        /** Where processed keys are kept. */
        public enum Store {
            /** In this instance's memory: deduplicates within one instance. */
            MEMORY,
            /** In Redis, shared by every instance. */
            REDIS,
            /** In a database table, shared by every instance. */
            JDBC,
            /**
             * In the table warren_inbox of the application's database, written in the same transaction
             * as the handler's own database work: that work happens once per message.
             */
            INBOX
        }
    }

    /** How Warren publishes. */
    public static class Publisher {

        /** How long a publish waits for the broker's confirm before it fails. */
        private Duration confirmTimeout = Duration.ofSeconds(10);

        /** Channels that publish in parallel, each with its own confirm stream. */
        private int channels = 2;

        /** Messages that may await their confirm at once; further publishes wait, keeping memory bounded. */
        private int maxInFlight = 10_000;

        public Duration getConfirmTimeout() {
            return confirmTimeout;
        }

        public void setConfirmTimeout(Duration confirmTimeout) {
            this.confirmTimeout = confirmTimeout;
        }

        public int getChannels() {
            return channels;
        }

        public void setChannels(int channels) {
            this.channels = channels;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }
    }
}
