package dev.warren.idempotency;

import dev.warren.WarrenException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} in a relational database table, shared by every instance of an
 * application, with plain JDBC. One row per key:
 *
 * <pre>{@code
 * CREATE TABLE warren_idempotency (
 *     message_key VARCHAR(512) NOT NULL PRIMARY KEY,
 *     state       VARCHAR(16)  NOT NULL,   -- 'processing' (claimed) or 'done'
 *     expires_at  TIMESTAMP    NOT NULL    -- UTC
 * )
 * }</pre>
 *
 * {@link #createTableIfMissing()} creates it (with {@code CREATE TABLE IF NOT EXISTS}, which
 * PostgreSQL, MySQL, MariaDB, H2 and SQLite understand; elsewhere create it yourself). A claim
 * inserts a row; when the key exists, an unexpired row answers the claim and an expired one is
 * taken over with a conditional {@code UPDATE}, so of several consumers claiming at once exactly
 * one wins. Rows are not deleted when they expire: call {@link #deleteExpired()} now and then.
 *
 * <p>All times come from the injected {@link Clock}, never from the database, and are stored as
 * UTC; the instances of an application need roughly synchronised clocks. Every statement runs on
 * its own, in auto-commit mode: a connection handed out with auto-commit off is switched on for
 * the call and back afterwards, so give the store a {@link DataSource} whose connections are not
 * part of an ongoing transaction.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = new JdbcIdempotencyStore(dataSource, "orders_idempotency", Clock.systemUTC());
 * store.createTableIfMissing();
 * }</pre>
 *
 * <p>Thread-safe: all consumer threads share one instance; each call uses a connection of its own.
 *
 * @since 0.1
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

    /** The table unless the constructor is given another: {@value}. */
    public static final String DEFAULT_TABLE = "warren_idempotency";

    /** The longest key the table holds, in characters: {@value}. */
    public static final int MAX_KEY_LENGTH = 512;

    /** The state of a claimed key. */
    static final String PROCESSING = "processing";

    /** The state of a key processed successfully. */
    static final String DONE = "done";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** How often a claim or mark re-reads a row that other consumers keep changing under it. */
    private static final int ROUNDS = 3;

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;

    private final String createTable;
    private final String insert;
    private final String select;
    private final String takeOver;
    private final String markDone;
    private final String deleteClaim;
    private final String deleteExpired;

    /**
     * Creates a store on the {@link #DEFAULT_TABLE} with the system clock in UTC.
     *
     * @param dataSource where the table is
     */
    public JdbcIdempotencyStore(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE, Clock.systemUTC());
    }

    /**
     * Creates a store.
     *
     * @param dataSource where the table is
     * @param table the table's name, letters, digits and underscores, not starting with a digit
     * @param clock where the time comes from, {@code Clock.systemUTC()} outside tests
     * @throws WarrenException when the table name is not such an identifier
     */
    public JdbcIdempotencyStore(DataSource dataSource, String table, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(table, "table");
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new WarrenException("idempotency table must be letters, digits and underscores, not starting with a digit,"
                    + " but was '" + table + "'; use e.g. '" + DEFAULT_TABLE + "'");
        }
        this.table = table;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.createTable = "CREATE TABLE IF NOT EXISTS " + table + " (message_key VARCHAR(" + MAX_KEY_LENGTH
                + ") NOT NULL PRIMARY KEY, state VARCHAR(16) NOT NULL, expires_at TIMESTAMP NOT NULL)";
        this.insert = "INSERT INTO " + table + " (message_key, state, expires_at) VALUES (?, ?, ?)";
        this.select = "SELECT state, expires_at FROM " + table + " WHERE message_key = ?";
        this.takeOver = "UPDATE " + table + " SET state = ?, expires_at = ? WHERE message_key = ? AND expires_at <= ?";
        this.markDone = "UPDATE " + table + " SET state = ?, expires_at = ? WHERE message_key = ?";
        this.deleteClaim = "DELETE FROM " + table + " WHERE message_key = ? AND state = ?";
        this.deleteExpired = "DELETE FROM " + table + " WHERE expires_at <= ?";
    }

    /**
     * Creates the table unless it exists. Call it once at startup, or create the table with the
     * DDL above in your schema migrations.
     *
     * @throws IdempotencyStoreException when the database refuses
     */
    public void createTableIfMissing() {
        withConnection("create the table", null, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(createTable);
            }
            return null;
        });
    }

    /**
     * Deletes the rows that have expired, claims and markers alike. Expired rows are harmless but
     * take space; schedule this every few minutes or hours.
     *
     * @return the number of rows deleted
     * @throws IdempotencyStoreException when the database refuses
     */
    public int deleteExpired() {
        Instant now = clock.instant();
        return withConnection("delete expired rows", null, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(deleteExpired)) {
                statement.setObject(1, toUtc(now));
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Claim claim(String key, Duration claimTtl) {
        requireKey(key);
        StoreArguments.requirePositive("claimTtl", claimTtl);
        Instant now = clock.instant();
        Instant expiresAt = StoreArguments.expiry(now, claimTtl);
        return withConnection("claim", key, connection -> {
            for (int round = 0; round < ROUNDS; round++) {
                if (insert(connection, key, PROCESSING, expiresAt)) {
                    return Claim.CLAIMED;
                }
                Row row = select(connection, key);
                if (row == null) {
                    continue; // released or deleted since the INSERT failed: insert again
                }
                if (row.expiresAt().isAfter(now)) {
                    return DONE.equals(row.state()) ? Claim.ALREADY_PROCESSED : Claim.IN_PROGRESS;
                }
                if (takeOver(connection, key, expiresAt, now)) {
                    return Claim.CLAIMED;
                }
                // Another consumer took the expired row over, or marked it, since we read it: read again.
            }
            return Claim.IN_PROGRESS; // it keeps changing: another consumer is busy with it
        });
    }

    @Override
    public void markProcessed(String key, Duration ttl) {
        requireKey(key);
        StoreArguments.requirePositive("ttl", ttl);
        Instant expiresAt = StoreArguments.expiry(clock.instant(), ttl);
        withConnection("mark processed", key, connection -> {
            for (int round = 0; round < ROUNDS; round++) {
                try (PreparedStatement statement = connection.prepareStatement(markDone)) {
                    statement.setString(1, DONE);
                    statement.setObject(2, toUtc(expiresAt));
                    statement.setString(3, key);
                    if (statement.executeUpdate() > 0) {
                        return null;
                    }
                }
                // No row: the claim was released or cleaned up meanwhile; remember the key all the same.
                if (insert(connection, key, DONE, expiresAt)) {
                    return null;
                }
            }
            throw new SQLException("the row of key '" + key + "' in " + table + " was deleted and re-created "
                    + ROUNDS + " times while marking it processed");
        });
    }

    @Override
    public void release(String key) {
        requireKey(key);
        withConnection("release", key, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(deleteClaim)) {
                statement.setString(1, key);
                statement.setString(2, PROCESSING);
                return statement.executeUpdate();
            }
        });
    }

    /** Inserts the row; {@code false} when the key exists already. */
    private boolean insert(Connection connection, String key, String state, Instant expiresAt) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            statement.setString(1, key);
            statement.setString(2, state);
            statement.setObject(3, toUtc(expiresAt));
            statement.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                // With auto-commit the failed INSERT was a transaction of its own: the connection
                // stays usable (PostgreSQL would refuse every later statement of a failed transaction).
                return false;
            }
            throw e;
        }
    }

    private @Nullable Row select(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(select)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                LocalDateTime expiresAt = rows.getObject(2, LocalDateTime.class);
                return new Row(rows.getString(1), expiresAt.toInstant(ZoneOffset.UTC));
            }
        }
    }

    /** Claims the row if it is still expired at {@code now}; {@code false} when someone else changed it first. */
    private boolean takeOver(Connection connection, String key, Instant expiresAt, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(takeOver)) {
            statement.setString(1, PROCESSING);
            statement.setObject(2, toUtc(expiresAt));
            statement.setString(3, key);
            statement.setObject(4, toUtc(now));
            return statement.executeUpdate() == 1;
        }
    }

    private <T> T withConnection(String operation, @Nullable String key, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                connection.setAutoCommit(true);
            }
            try {
                return work.run(connection);
            } finally {
                if (!autoCommit) {
                    connection.setAutoCommit(false);
                }
            }
        } catch (SQLException e) {
            String what = key == null ? operation : operation + " key '" + key + "'";
            String hint = e.getSQLState() != null && e.getSQLState().startsWith("42")
                    ? "; does table " + table + " exist? createTableIfMissing() creates it"
                    : "; check that the database is reachable, the delivery is retried";
            String state = e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")";
            throw new IdempotencyStoreException("JDBC idempotency store on table " + table + " could not " + what
                    + state + hint, e);
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        if (e instanceof SQLIntegrityConstraintViolationException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && state.startsWith("23"); // class 23: integrity constraint violation, e.g. 23505
    }

    private static String requireKey(String key) {
        StoreArguments.requireKey(key);
        if (key.length() > MAX_KEY_LENGTH) {
            throw new WarrenException("idempotency key must be at most " + MAX_KEY_LENGTH + " characters but was "
                    + key.length() + " ('" + key.substring(0, 40) + "…'); use a shorter key, e.g. a hash of the business key");
        }
        return key;
    }

    private static LocalDateTime toUtc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private record Row(String state, Instant expiresAt) {
    }
}
