package dev.warren.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Certificates for a TLS test, made with {@code openssl} in a directory: a CA, a server certificate
 * for {@code localhost} (DNS:localhost, IP:127.0.0.1) and a client certificate it signed, and a
 * second, unrelated CA with a client certificate of its own. EC P-256 keys, PEM files, PKCS#8 keys
 * without a password, valid for two days.
 *
 * @param caCertificate the CA that signed the server and client certificates
 * @param serverCertificate the broker's certificate
 * @param serverKey its key
 * @param clientCertificate a client certificate the CA signed
 * @param clientKey its key
 * @param otherCaCertificate a CA that signed neither
 * @param otherClientCertificate a client certificate the other CA signed
 * @param otherClientKey its key
 */
record TlsCertificates(Path caCertificate, Path serverCertificate, Path serverKey, Path clientCertificate, Path clientKey,
        Path otherCaCertificate, Path otherClientCertificate, Path otherClientKey) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String DAYS = "2";

    /** Generates every file in the directory. */
    static TlsCertificates generate(Path directory) {
        requireOpenssl();
        ca(directory, "ca", "Warren test CA");
        leaf(directory, "server", "ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        leaf(directory, "client", "ca", "warren-client", "extendedKeyUsage=clientAuth\n");
        ca(directory, "other-ca", "Unrelated test CA");
        leaf(directory, "other-client", "other-ca", "warren-client", "extendedKeyUsage=clientAuth\n");
        return new TlsCertificates(directory.resolve("ca.pem"), directory.resolve("server.pem"), directory.resolve("server.key"),
                directory.resolve("client.pem"), directory.resolve("client.key"), directory.resolve("other-ca.pem"),
                directory.resolve("other-client.pem"), directory.resolve("other-client.key"));
    }

    private static void ca(Path directory, String name, String commonName) {
        openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", DAYS, "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void leaf(Path directory, String name, String ca, String commonName, String extensions) {
        openssl(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        try {
            Files.writeString(directory.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the extensions of " + name, e);
        }
        openssl(directory, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-set_serial", String.valueOf(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)),
                "-days", DAYS, "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private static void openssl(Path directory, String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        ExternalCommand.succeed(TIMEOUT, directory, command);
    }

    private static void requireOpenssl() {
        try {
            ExternalCommand.succeed(TIMEOUT, Path.of(System.getProperty("java.io.tmpdir")), "openssl", "version");
        } catch (RuntimeException e) {
            throw new IllegalStateException("openssl is not installed, and the TLS tests make their certificates with it; "
                    + "install the openssl package (apt-get install openssl)", e);
        }
    }
}
