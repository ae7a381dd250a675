package dev.warren.samples.notifications;

import dev.warren.Warren;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Publishes each notification to the topic and answers at once; the channels send it later. */
@RestController
public class NotificationController {

    private final Warren warren;
    private final NotificationsProperties properties;

    public NotificationController(Warren warren, NotificationsProperties properties) {
        this.warren = warren;
        this.properties = properties;
    }

    @PostMapping("/notifications")
    public ResponseEntity<Map<String, String>> queue(@RequestBody Notification notification) {
        // Waits for the broker's confirm: once we answer 202, every channel will get its copy.
        warren.publish(properties.topic(), notification);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("status", "queued"));
    }
}
