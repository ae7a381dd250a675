package dev.warren.samples.fanout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/**
 * The users this instance created and which subscribers have handled each, to watch the fan-out.
 * In memory, to keep the sample small; a real service has a database.
 */
@Component
public class UserActivity {

    /**
     * A user as the API shows it.
     *
     * @param userId the user
     * @param handledBy the subscriber groups that handled {@code user.created}, in the order they
     *     did; a group that got the event twice would appear twice
     */
    public record User(String userId, List<String> handledBy) {
    }

    private final Map<String, List<String>> handledBy = new ConcurrentHashMap<>();

    public void created(String userId) {
        handledBy.putIfAbsent(userId, new CopyOnWriteArrayList<>());
    }

    public void handled(String userId, String group) {
        handledBy.computeIfAbsent(userId, id -> new CopyOnWriteArrayList<>()).add(group);
    }

    public Optional<User> find(String userId) {
        return Optional.ofNullable(handledBy.get(userId)).map(groups -> new User(userId, List.copyOf(groups)));
    }
}
