package dev.warren.samples.fanout;

import dev.warren.Warren;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Creates users and announces each with one {@code publish}. It knows no subscriber: adding one
 * changes nothing here.
 */
@RestController
public class UserController {

    record SignUp(String email, String name) {
    }

    record Created(String userId) {
    }

    private final Warren warren;
    private final UserActivity users;
    private final UserProperties properties;

    public UserController(Warren warren, UserActivity users, UserProperties properties) {
        this.warren = warren;
        this.users = users;
        this.properties = properties;
    }

    @PostMapping("/users")
    public ResponseEntity<Created> create(@RequestBody SignUp signUp) {
        String userId = UUID.randomUUID().toString();
        users.created(userId);
        // Every subscriber group gets its own copy; waits for the broker's confirm.
        warren.publish(properties.topic(), new UserCreated(userId, signUp.email(), signUp.name()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new Created(userId));
    }

    @GetMapping("/users/{userId}")
    public ResponseEntity<UserActivity.User> show(@PathVariable String userId) {
        return ResponseEntity.of(users.find(userId));
    }
}
