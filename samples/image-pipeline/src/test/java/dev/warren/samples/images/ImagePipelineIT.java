package dev.warren.samples.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.WarrenEngine;
import dev.warren.consumer.ConsumerStats;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The sample against the real broker, with the compress stage failing once; its 1 s retry takes 10 ms. */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenTest(timeScale = 0.01)
class ImagePipelineIT {

    final FailureInjector failures = new FailureInjector("compress");

    @TempDir
    Path storage;

    @Test
    void aFailedStageIsRetriedAloneAndTheImageComesOutResizedCompressedAndWatermarked(TestBroker broker,
            WarrenHarness harness) throws IOException {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ImagePipelineApplication.class)
                .initializers(broker.applicationInitializer(), (ApplicationContextInitializer<ConfigurableApplicationContext>)
                        context -> context.getBeanFactory().addBeanPostProcessor(failures))
                .run("--server.port=0", "--images.storage=" + storage);
        RestClient api = RestClient.create("http://localhost:" + app.getEnvironment().getProperty("local.server.port"));

        ResponseEntity<Map> response = api.post().uri("/images").contentType(MediaType.IMAGE_PNG)
                .body(png(2400, 1600)).retrieve().toEntity(Map.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(202));
        assertThat(response.getBody()).containsEntry("status", "processing").containsKey("image_id");
        String imageId = (String) response.getBody().get("image_id");
        assertThat((String) response.getBody().get("url")).endsWith("/images/" + imageId);

        assertThat(harness.within(Duration.ofSeconds(20)).awaitConsumed("image.ready", ImageReady.class).imageId())
                .isEqualTo(imageId);

        // Only the failed stage ran again; the others ran once.
        assertThat(failures.calls("resize")).isEqualTo(1);
        assertThat(failures.calls("compress")).isEqualTo(2);
        assertThat(failures.calls("watermark")).isEqualTo(1);
        Map<String, ConsumerStats> stats = app.getBean(WarrenEngine.class).consumerStats();
        assertThat(stats.get("image.uploaded").processed()).isEqualTo(1);
        assertThat(stats.get("image.uploaded").retried()).isZero();
        assertThat(stats.get("image.resized").processed()).isEqualTo(1);
        assertThat(stats.get("image.resized").retried()).isEqualTo(1);
        assertThat(stats.get("image.resized").transientFailures()).isEqualTo(1);
        assertThat(stats.get("image.compressed").processed()).isEqualTo(1);
        assertThat(stats.get("image.compressed").retried()).isZero();
        assertThat(stats.values()).allSatisfy(queue -> assertThat(queue.deadLettered()).isZero());

        byte[] finalImage = api.get().uri("/images/{id}", imageId).retrieve().body(byte[].class);
        assertThat(format(finalImage)).isEqualToIgnoringCase("jpeg");
        BufferedImage result = ImageIO.read(new ByteArrayInputStream(finalImage));
        assertThat(result.getWidth()).isEqualTo(1200);
        assertThat(result.getHeight()).isEqualTo(800);

        // The watermark darkened the bottom right corner and left the rest as the compress stage wrote it.
        BufferedImage beforeWatermark = ImageIO.read(storage.resolve(imageId).resolve("compressed.jpg").toFile());
        assertThat(meanDifference(beforeWatermark, result, 1100, 760, 80, 30)).isGreaterThan(40);
        assertThat(meanDifference(beforeWatermark, result, 0, 0, 300, 300)).isLessThan(3);
    }

    /** A colourful test photo: a gradient with a few shapes. */
    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, new Color(55 + 200 * x / width, 55 + 200 * y / height, 200).getRGB());
            }
        }
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(width / 4, height / 4, width / 3, height / 3);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String format(byte[] image) throws IOException {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            ImageReader reader = ImageIO.getImageReaders(input).next();
            return reader.getFormatName();
        }
    }

    /** The mean absolute difference of the two images' brightness (0 to 255) in a rectangle. */
    private static double meanDifference(BufferedImage a, BufferedImage b, int left, int top, int width, int height) {
        double sum = 0;
        for (int y = top; y < top + height; y++) {
            for (int x = left; x < left + width; x++) {
                sum += Math.abs(brightness(a.getRGB(x, y)) - brightness(b.getRGB(x, y)));
            }
        }
        return sum / (width * height);
    }

    private static int brightness(int rgb) {
        Color color = new Color(rgb);
        return (color.getRed() + color.getGreen() + color.getBlue()) / 3;
    }
}
