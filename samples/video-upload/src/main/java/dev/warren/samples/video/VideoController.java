package dev.warren.samples.video;

import dev.warren.Warren;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Saves the upload, queues the slow work and answers at once. */
@RestController
public class VideoController {

    static final List<String> TASKS = List.of("thumbnail", "720p", "1080p");

    record Upload(@NotBlank @Size(max = 200) String title) {
    }

    record Accepted(String status, String videoId) {
    }

    private final Warren warren;
    private final VideoRepository videos;
    private final MediaSteps media;
    private final VideoProperties properties;

    public VideoController(Warren warren, VideoRepository videos, MediaSteps media, VideoProperties properties) {
        this.warren = warren;
        this.videos = videos;
        this.media = media;
        this.properties = properties;
    }

    @PostMapping("/videos")
    public ResponseEntity<Accepted> upload(@Valid @RequestBody Upload upload) throws InterruptedException {
        String videoId = UUID.randomUUID().toString();
        media.save(videoId);
        videos.create(videoId, upload.title());
        // Waits for the broker's confirm: once we answer 202, the job is safely queued.
        warren.send(properties.queue(), new VideoJob("transcode", videoId, TASKS));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Accepted("processing", videoId));
    }

    @GetMapping("/videos/{videoId}")
    public ResponseEntity<Video> show(@PathVariable String videoId) {
        return ResponseEntity.of(videos.find(videoId));
    }
}
