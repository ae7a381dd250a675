package dev.warren.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.idempotency.IdempotencyStore.Claim;
import dev.warren.test.PostgresDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcIdempotencyStoreIT extends IdempotencyStoreContract {

    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("idem");
    final PGSimpleDataSource dataSource = dataSource(schema);
    final MutableClock clock = new MutableClock(START);
    final JdbcIdempotencyStore store = new JdbcIdempotencyStore(dataSource, JdbcIdempotencyStore.DEFAULT_TABLE, clock);

    JdbcIdempotencyStoreIT() {
        store.createTableIfMissing();
    }

    @Override
    IdempotencyStore store() {
        return store;
    }

    @Override
    Duration shortTtl() {
        return Duration.ofMinutes(1);
    }

    @Override
    void advance(Duration duration) {
        clock.advance(duration);
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    @Test
    void rowHoldsStateAndExpiryInUtc() throws SQLException {
        store.claim("orders:1", Duration.ofSeconds(30));
        assertThat(rows()).containsExactly("orders:1 processing 2025-03-01T12:00:30");

        store.markProcessed("orders:1", Duration.ofHours(2));
        assertThat(rows()).containsExactly("orders:1 done 2025-03-01T14:00");
    }

    @Test
    void createTableIfMissingLeavesAnExistingTableAndItsRows() {
        store.markProcessed("orders:1", LONG);

        store.createTableIfMissing();

        assertThat(store.claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void deleteExpiredRemovesExpiredClaimsAndMarkersOnly() throws SQLException {
        store.claim("claim:short", Duration.ofSeconds(10));
        store.markProcessed("done:short", Duration.ofSeconds(10));
        store.claim("claim:long", LONG);
        store.markProcessed("done:long", LONG);
        clock.advance(Duration.ofSeconds(10));

        assertThat(store.deleteExpired()).isEqualTo(2);

        assertThat(rows()).extracting(row -> row.split(" ")[0]).containsExactlyInAnyOrder("claim:long", "done:long");
    }

    @Test
    void tableNameCanBeChosen() throws SQLException {
        JdbcIdempotencyStore custom = new JdbcIdempotencyStore(dataSource, "Orders_Idempotency_2", clock);
        custom.createTableIfMissing();

        custom.claim("orders:1", LONG);

        assertThat(store.claim("orders:1", LONG)).as("the default table is another").isEqualTo(Claim.CLAIMED);
        assertThat(custom.claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void missingTableIsAStoreExceptionSayingHowToCreateIt() {
        JdbcIdempotencyStore missing = new JdbcIdempotencyStore(dataSource, "no_such_table", clock);

        assertThatThrownBy(() -> missing.claim("orders:1", LONG))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessage("JDBC idempotency store on table no_such_table could not claim key 'orders:1' (SQLState 42P01);"
                        + " does table no_such_table exist? createTableIfMissing() creates it")
                .hasCauseInstanceOf(SQLException.class);
    }

    @Test
    void connectionsWithAutoCommitOffAreCommittedPerStatementAndHandedBackAsTheyCame() {
        List<Boolean> autoCommitOnClose = new ArrayList<>();
        JdbcIdempotencyStore transactional = new JdbcIdempotencyStore(autoCommitOff(dataSource, autoCommitOnClose),
                JdbcIdempotencyStore.DEFAULT_TABLE, clock);

        assertThat(transactional.claim("orders:1", LONG)).isEqualTo(Claim.CLAIMED);
        // The failed INSERT of a duplicate must not abort what follows on the same connection.
        assertThat(transactional.claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
        transactional.markProcessed("orders:1", LONG);
        assertThat(transactional.claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);

        assertThat(store.claim("orders:1", LONG)).as("committed, so other connections see it")
                .isEqualTo(Claim.ALREADY_PROCESSED);
        assertThat(autoCommitOnClose).as("auto-commit when each connection was closed").containsExactly(false, false, false, false);
    }

    private List<String> rows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT message_key, state, expires_at FROM warren_idempotency ORDER BY message_key")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getObject(3, LocalDateTime.class));
            }
        }
        return rows;
    }

    private static PGSimpleDataSource dataSource(PostgresDatabase.Schema schema) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(schema.jdbcUrl());
        return dataSource;
    }

    /**
     * Hands out connections with auto-commit off, as a pool configured for transactions does, and
     * records each one's auto-commit setting when it is closed.
     */
    private static DataSource autoCommitOff(DataSource target, List<Boolean> autoCommitOnClose) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, target, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    connection.setAutoCommit(false);
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (connectionProxy, connectionMethod, connectionArgs) -> {
                                if (connectionMethod.getName().equals("close")) {
                                    autoCommitOnClose.add(connection.getAutoCommit());
                                }
                                return invoke(connectionMethod, connection, connectionArgs);
                            });
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
