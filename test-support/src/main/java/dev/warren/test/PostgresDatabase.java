package dev.warren.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * The PostgreSQL database tests run against, resolved once per JVM like {@link RabbitBroker}: the
 * {@code POSTGRES_URL} environment variable (or system property, a JDBC URL with credentials), else
 * {@code 127.0.0.1:5432/test} when something answers there, else a Testcontainers PostgreSQL when
 * Docker is available, else a failure that says what to start.
 *
 * <p>Tests isolate themselves in a {@linkplain #createSchema(String) schema of their own}:
 *
 * <pre>{@code
 * try (PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("video")) {
 *     String url = schema.jdbcUrl();   // currentSchema set to the new schema
 * }                                    // dropped, with everything in it
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class PostgresDatabase {

    /** The variable that points tests at a database. */
    public static final String URL_VARIABLE = "POSTGRES_URL";

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 5432;
    private static final String LOCAL_URL = "jdbc:postgresql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/test?user=postgres";

    private static final Services.Once<PostgresDatabase> RESOLVED = new Services.Once<>(PostgresDatabase::resolve);

    private final String jdbcUrl;

    private PostgresDatabase(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /**
     * The database for this JVM, resolved on first use.
     *
     * @return the database
     * @throws IllegalStateException when no database can be found, saying what to start
     */
    public static PostgresDatabase get() {
        return RESOLVED.get();
    }

    /**
     * The JDBC URL of the database, credentials included; do not log it.
     *
     * @return the URL
     */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * Creates a schema with a unique name.
     *
     * @param prefix a readable prefix of letters, digits and underscores
     * @return the schema, dropped with everything in it when closed
     */
    public Schema createSchema(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT).replace('-', '_');
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("schema prefix must be letters, digits and underscores but was " + prefix);
        }
        execute("CREATE SCHEMA " + name);
        String separator = jdbcUrl.contains("?") ? "&" : "?";
        return new Schema(name, jdbcUrl + separator + "currentSchema=" + name);
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    /** A schema of one test's own. */
    public final class Schema implements AutoCloseable {

        private final String name;
        private final String jdbcUrl;

        private Schema(String name, String jdbcUrl) {
            this.name = name;
            this.jdbcUrl = jdbcUrl;
        }

        /** @return the schema name */
        public String name() {
            return name;
        }

        /** @return a JDBC URL whose connections use this schema; credentials included, do not log it */
        public String jdbcUrl() {
            return jdbcUrl;
        }

        /** Drops the schema and everything in it. */
        @Override
        public void close() {
            execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    private static PostgresDatabase resolve() {
        String configured = Services.configured(URL_VARIABLE);
        if (configured != null) {
            return new PostgresDatabase(configured.trim());
        }
        if (Services.answers(LOCAL_HOST, LOCAL_PORT)) {
            return new PostgresDatabase(LOCAL_URL);
        }
        if (ClassUtils.isPresent("org.testcontainers.DockerClientFactory", PostgresDatabase.class.getClassLoader())) {
            PostgresDatabase container = Containers.start();
            if (container != null) {
                return container;
            }
        }
        throw new IllegalStateException("No PostgreSQL for the tests: " + URL_VARIABLE + " is not set, nothing answers on "
                + LOCAL_HOST + ":" + LOCAL_PORT + ", and Docker is not available for Testcontainers. Start PostgreSQL with "
                + "a database 'test' (e.g. 'pg_ctlcluster 15 main start', or 'docker run -d -p 5432:5432 -e POSTGRES_DB=test "
                + "-e POSTGRES_HOST_AUTH_METHOD=trust postgres:16'), or set " + URL_VARIABLE
                + "=jdbc:postgresql://host:5432/db?user=...&password=...");
    }


    /** Kept apart so that Testcontainers stays optional on the class path. */
    private static final class Containers {

        static @Nullable PostgresDatabase start() {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
            org.testcontainers.postgresql.PostgreSQLContainer container =
                    new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "warren-test-postgres-stop"));
            return new PostgresDatabase(container.getJdbcUrl() + (container.getJdbcUrl().contains("?") ? "&" : "?")
                    + "user=" + container.getUsername() + "&password=" + container.getPassword());
        }
    }
}
