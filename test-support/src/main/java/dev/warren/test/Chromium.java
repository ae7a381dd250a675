package dev.warren.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's Chromium and its chromedriver, for tests that drive a real browser. When either is
 * missing, the first {@link #get()} in a JVM installs both with {@code apt-get install -y chromium
 * chromium-driver} (non-interactive, waiting for another apt to release its lock) and logs it, so
 * that {@code ./mvnw -B verify} passes on a fresh machine; that needs root, and without it the test
 * fails and says what to install. Tests never skip for want of a browser.
 *
 * <pre>{@code
 * Chromium chromium = Chromium.get();
 * ChromeOptions options = new ChromeOptions();
 * options.setBinary(chromium.browser().toFile());
 * }</pre>
 *
 * <p>Thread-safe; {@link #get()} blocks while it installs (a few minutes at most).
 *
 * @since 0.1
 */
public final class Chromium {

    private static final Logger log = LoggerFactory.getLogger(Chromium.class);

    /** Where the Debian package {@code chromium} puts the browser. */
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    /** Where the Debian package {@code chromium-driver} puts chromedriver. */
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static final Path APT_GET = Path.of("/usr/bin/apt-get");
    private static final List<String> PACKAGES = List.of("chromium", "chromium-driver");
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(15);
    /** Another engineer's build or the machine's own updates may hold the dpkg lock; wait for it rather than fail. */
    private static final String LOCK_WAIT = "DPkg::Lock::Timeout=300";
    private static final int OUTPUT_TAIL = 4_000;

    private static final Services.Once<Chromium> INSTALLED = new Services.Once<>(Chromium::findOrInstall);

    private Chromium() {
    }

    /**
     * The browser and driver, installed first when missing.
     *
     * @return Chromium
     * @throws IllegalStateException when they are missing and cannot be installed here, saying what to install
     */
    public static Chromium get() {
        return INSTALLED.get();
    }

    /** @return the browser executable, {@link #BROWSER} */
    public Path browser() {
        return BROWSER;
    }

    /** @return the chromedriver executable, {@link #DRIVER} */
    public Path driver() {
        return DRIVER;
    }

    private static Chromium findOrInstall() {
        if (installed()) {
            return new Chromium();
        }
        String byHand = "install the Debian packages with 'sudo apt-get install -y " + String.join(" ", PACKAGES) + "'";
        if (!Files.isExecutable(APT_GET)) {
            throw new IllegalStateException("This test drives " + BROWSER + " through " + DRIVER + ", which are missing, and "
                    + APT_GET + " is not here to install them; " + byHand + " (or the same Chromium and chromedriver at "
                    + "those paths)");
        }
        log.info("{} or {} is missing; installing them: apt-get install -y {}", BROWSER, DRIVER, String.join(" ", PACKAGES));
        apt("update");
        apt("install", "-y", PACKAGES.get(0), PACKAGES.get(1));
        if (!installed()) {
            throw new IllegalStateException("apt-get installed " + PACKAGES + " but " + BROWSER + " or " + DRIVER
                    + " is still missing; " + byHand);
        }
        log.info("Installed {} and {}", BROWSER, DRIVER);
        return new Chromium();
    }

    private static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    private static void apt(String... arguments) {
        String[] command = new String[arguments.length + 4];
        command[0] = APT_GET.toString();
        command[1] = "-q";
        command[2] = "-o";
        command[3] = LOCK_WAIT;
        System.arraycopy(arguments, 0, command, 4, arguments.length);
        ExternalCommand.Result result = ExternalCommand.run(APT_TIMEOUT, Path.of(System.getProperty("java.io.tmpdir")),
                Map.of("DEBIAN_FRONTEND", "noninteractive"), command);
        if (result.exitCode() != 0) {
            String output = result.output().strip();
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode()
                    + " (installing needs root): ..." + output.substring(Math.max(0, output.length() - OUTPUT_TAIL))
                    + "\nInstall them yourself: sudo apt-get install -y " + String.join(" ", PACKAGES));
        }
    }
}
