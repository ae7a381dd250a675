package dev.warren.samples.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** Where the stages read and write images: {@code <storage>/<image id>/<file>}. */
@Component
public class ImageStore {

    /** The watermarked JPEG clients download. */
    static final String FINAL = "final.jpg";

    private final Path root;

    public ImageStore(ImageProperties properties) {
        this.root = properties.storage().toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("images.storage: cannot create " + root, e);
        }
    }

    /**
     * The path of one of an image's files.
     *
     * @throws IllegalArgumentException when the id or file name would leave the storage directory
     */
    public Path path(String imageId, String file) {
        Path directory = root.resolve(imageId).normalize();
        Path path = directory.resolve(file).normalize();
        if (!directory.getParent().equals(root) || !path.getParent().equals(directory)) {
            throw new IllegalArgumentException("image " + imageId + " file " + file + " is outside " + root);
        }
        return path;
    }

    public Path path(ImageFile file) {
        return path(file.imageId(), file.file());
    }
}
