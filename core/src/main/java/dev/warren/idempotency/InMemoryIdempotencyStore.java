package dev.warren.idempotency;

import dev.warren.WarrenException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IdempotencyStore} in this JVM's memory, for a single application instance and for
 * tests. It forgets everything on restart, and instances of an application do not see each other's
 * keys: use {@link RedisIdempotencyStore} or {@link JdbcIdempotencyStore} when several instances
 * consume the same queue.
 *
 * <p>It holds at most {@code maxEntries} keys. When it is full, a new key first drops the expired
 * entries, then the entry written longest ago (a claim, a marker refreshed by
 * {@link #markProcessed} counts as written anew). An unexpired key dropped that way is forgotten
 * early: a duplicate arriving afterwards is processed again, so size {@code maxEntries} above the
 * number of messages a consumer sees within the longest TTL. Time comes from the injected
 * {@link Clock}; an entry is expired from the instant {@code written + ttl} on.
 *
 * <pre>{@code
 * IdempotencyStore store = new InMemoryIdempotencyStore(100_000, Clock.systemUTC());
 * if (store.claim("payments:" + messageId, Duration.ofMinutes(5)) == Claim.CLAIMED) { ... }
 * }</pre>
 *
 * <p>Thread-safe: all consumer threads share one instance. Each call holds one lock briefly; it
 * does no I/O and runs no user code under it.
 *
 * @since 0.1
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(InMemoryIdempotencyStore.class);

    private final int maxEntries;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    /** In write order, eldest first: a key written again is removed and put back at the end. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    /**
     * No entry expires before this instant (a lower bound: removals may leave it early). A full
     * store sweeps the expired entries only once it has passed, so that a full store of live
     * entries does not scan them all on every write. Guarded by {@link #lock}.
     */
    private Instant earliestExpiry = StoreArguments.LATEST_EXPIRY;

    /**
     * Creates an empty store.
     *
     * @param maxEntries the most keys held at once, at least 1
     * @param clock where the time comes from, {@code Clock.systemUTC()} outside tests
     * @throws WarrenException when {@code maxEntries} is below 1
     */
    public InMemoryIdempotencyStore(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new WarrenException("maxEntries must be >= 1 but was " + maxEntries
                    + "; size it above the number of messages consumed within the longest TTL");
        }
        this.maxEntries = maxEntries;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Claim claim(String key, Duration claimTtl) {
        StoreArguments.requireKey(key);
        StoreArguments.requirePositive("claimTtl", claimTtl);
        Instant now = clock.instant();
        lock.lock();
        try {
            Entry entry = entries.get(key);
            if (entry != null && entry.isLiveAt(now)) {
                return entry.processed() ? Claim.ALREADY_PROCESSED : Claim.IN_PROGRESS;
            }
            write(key, new Entry(false, StoreArguments.expiry(now, claimTtl)), now);
            return Claim.CLAIMED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void markProcessed(String key, Duration ttl) {
        StoreArguments.requireKey(key);
        StoreArguments.requirePositive("ttl", ttl);
        Instant now = clock.instant();
        lock.lock();
        try {
            write(key, new Entry(true, StoreArguments.expiry(now, ttl)), now);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(String key) {
        StoreArguments.requireKey(key);
        lock.lock();
        try {
            Entry entry = entries.get(key);
            if (entry != null && !entry.processed()) {
                entries.remove(key);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The number of keys held now, expired ones not yet dropped included; never more than
     * {@code maxEntries}.
     *
     * @return the number of entries
     */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Puts the entry last in write order, making room first. Called under {@link #lock}. */
    private void write(String key, Entry entry, Instant now) {
        entries.remove(key);
        if (entries.size() >= maxEntries) {
            makeRoom(now);
        }
        entries.put(key, entry);
        if (entry.expiresAt().isBefore(earliestExpiry)) {
            earliestExpiry = entry.expiresAt();
        }
    }

    /** Drops expired entries, then the eldest, until one more fits. Called under {@link #lock}. */
    private void makeRoom(Instant now) {
        if (!now.isBefore(earliestExpiry)) {
            Instant earliest = StoreArguments.LATEST_EXPIRY;
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                Entry candidate = it.next();
                if (candidate.isLiveAt(now)) {
                    earliest = candidate.expiresAt().isBefore(earliest) ? candidate.expiresAt() : earliest;
                } else {
                    it.remove();
                }
            }
            earliestExpiry = earliest;
        }
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (entries.size() >= maxEntries) {
            Map.Entry<String, Entry> dropped = eldest.next();
            eldest.remove();
            log.debug("Forgot unexpired idempotency key {} early to stay within {} entries", dropped.getKey(), maxEntries);
        }
    }

    /** A claim ({@code processed == false}) or a processed marker, live until {@code expiresAt}. */
    private record Entry(boolean processed, Instant expiresAt) {

        boolean isLiveAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }
}
