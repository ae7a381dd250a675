package dev.warren.samples.fanout;

/**
 * The event: who signed up, no more. On the wire (snake_case, see application.yml):
 * {@code {"user_id":"...","email":"ada@example.com","name":"Ada"}}.
 *
 * @param userId the new user
 * @param email where to reach them
 * @param name how to greet them
 */
public record UserCreated(String userId, String email, String name) {
}
