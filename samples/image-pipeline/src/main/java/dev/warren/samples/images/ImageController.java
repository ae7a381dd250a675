package dev.warren.samples.images;

import dev.warren.Warren;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Stores an upload, starts the pipeline and answers at once; serves the image once it is ready. */
@RestController
public class ImageController {

    private final Warren warren;
    private final ImageStore store;
    private final ImageProperties properties;

    public ImageController(Warren warren, ImageStore store, ImageProperties properties) {
        this.warren = warren;
        this.store = store;
        this.properties = properties;
    }

    @PostMapping(path = "/images", consumes = {MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE,
            MediaType.IMAGE_GIF_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
    public ResponseEntity<Map<String, String>> upload(@RequestBody byte[] image) throws IOException {
        String imageId = UUID.randomUUID().toString();
        ImageFile uploaded = new ImageFile(imageId, "original");
        Path original = store.path(uploaded);
        Files.createDirectories(original.getParent());
        Files.write(original, image);
        // Waits for the broker's confirm: once we answer 202, the image is safely in the pipeline.
        warren.send(properties.queues().uploaded(), uploaded);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(Map.of("status", "processing", "image_id", imageId, "url", properties.publicUrl() + "/images/" + imageId));
    }

    @GetMapping(path = "/images/{imageId}", produces = MediaType.IMAGE_JPEG_VALUE)
    public ResponseEntity<byte[]> download(@PathVariable String imageId) throws IOException {
        Path finalImage = store.path(imageId, ImageStore.FINAL);
        return Files.exists(finalImage) ? ResponseEntity.ok(Files.readAllBytes(finalImage)) : ResponseEntity.notFound().build();
    }
}
