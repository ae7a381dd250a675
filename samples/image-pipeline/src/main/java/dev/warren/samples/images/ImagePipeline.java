package dev.warren.samples.images;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.annotation.Consumer;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The stages: {@code image.uploaded} → resize → {@code image.resized} → compress →
 * {@code image.compressed} → watermark → {@code image.ready} → notify. Each is a handler on its own
 * queue, so each has its own consumers, retries, dead-letter queue and meters; a stage that fails
 * is retried alone, from the file the previous stage left. A stage sends to the next queue only
 * after its file is written, and rewriting a file gives the same result, so a redelivered message
 * does no harm.
 */
@Component
public class ImagePipeline {

    private static final Logger log = LoggerFactory.getLogger(ImagePipeline.class);

    private final Warren warren;
    private final ImageStore store;
    private final ImageOperations operations;
    private final ImageProperties properties;

    public ImagePipeline(Warren warren, ImageStore store, ImageOperations operations, ImageProperties properties) {
        this.warren = warren;
        this.store = store;
        this.operations = operations;
        this.properties = properties;
    }

    @Consumer(queue = "${images.queues.uploaded}", concurrency = 2)
    void resize(ImageFile uploaded) throws IOException {
        ImageFile resized = new ImageFile(uploaded.imageId(), "resized.png");
        operations.resize(store.path(uploaded), store.path(resized), properties.width());
        warren.send(properties.queues().resized(), resized);
    }

    @Consumer(queue = "${images.queues.resized}", concurrency = 2)
    void compress(ImageFile resized) throws IOException {
        ImageFile compressed = new ImageFile(resized.imageId(), "compressed.jpg");
        operations.compress(store.path(resized), store.path(compressed), properties.quality());
        warren.send(properties.queues().compressed(), compressed);
    }

    @Consumer(queue = "${images.queues.compressed}", concurrency = 2)
    void watermark(ImageFile compressed) throws IOException {
        Path finalImage = store.path(compressed.imageId(), ImageStore.FINAL);
        operations.watermark(store.path(compressed), finalImage, properties.watermark(), properties.quality());
        String url = properties.publicUrl() + "/images/" + compressed.imageId();
        warren.send(properties.queues().ready(), new ImageReady(compressed.imageId(), url));
    }

    @Consumer(queue = "${images.queues.ready}")
    void notifyOwner(ImageReady ready, MessageContext context) {
        // A real service would tell the uploader here, for example by publishing to the
        // notifications topic of samples/notifications.
        log.info("Image {} is ready at {} (message {})", ready.imageId(), ready.url(), context.messageId());
    }
}
