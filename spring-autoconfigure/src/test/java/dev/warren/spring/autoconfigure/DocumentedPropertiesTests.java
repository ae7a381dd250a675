package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The documentation and the configuration metadata agree: the reference table in
 * {@code docs/configuration.md} is the metadata's, and every {@code warren.*} key the README or
 * a page of {@code docs/} names exists.
 *
 * <p>After a property changes, regenerate the table with
 * {@code ./mvnw -pl spring-autoconfigure -am test -Dtest=DocumentedPropertiesTests -Dsurefire.failIfNoSpecifiedTests=false -Dwarren.docs.write=true}.
 */
class DocumentedPropertiesTests {

    private static final String BEGIN = "<!-- generated from the configuration metadata by DocumentedPropertiesTests: do not edit -->";
    private static final String END = "<!-- end of the generated reference -->";

    /** A key as the docs write it: {@code warren.queues.<q>.retry.max-attempts}, {@code warren.defaults.*}. */
    private static final Pattern KEY = Pattern.compile("warren\\.[a-z][a-z0-9-]*(?:\\.(?:[a-z0-9*][a-z0-9-]*|<[a-z-]+>|\\*))*");

    /** Meters whose names begin like a property group; the docs list them with the other meters. */
    private static final List<String> METERS = List.of("warren.outbox.depth", "warren.outbox.oldest.age",
            "warren.outbox.published", "warren.outbox.publish.lag");

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();

    @Test
    void theReferenceTableIsTheMetadatas() throws IOException {
        Path page = ROOT.resolve("docs/configuration.md");
        String text = Files.readString(page);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("docs/configuration.md holds the generated reference between its markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String table = referenceTable();
        String current = text.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("warren.docs.write")) {
            Files.writeString(page, text.substring(0, begin + BEGIN.length()) + table + text.substring(end));
            return;
        }
        assertThat(current).as("docs/configuration.md's reference is out of date; regenerate it as this test's Javadoc says")
                .isEqualTo(table);
    }

    @Test
    void everyDocumentedKeyExists() throws IOException {
        Map<String, JsonNode> properties = properties();
        TreeSet<String> roots = new TreeSet<>();
        properties.keySet().forEach(name -> roots.add(name.split("\\.")[1]));
        List<String> unknown = new ArrayList<>();
        for (Path page : pages()) {
            Matcher matcher = KEY.matcher(Files.readString(page));
            while (matcher.find()) {
                String key = matcher.group();
                String root = key.split("\\.")[1];
                // warren.messages, warren.dlx, warren.delay.*: meters, queues and exchanges, not properties.
                if (!roots.contains(root) || METERS.contains(key) || exists(key, properties)) {
                    continue;
                }
                unknown.add(ROOT.relativize(page) + ": " + key);
            }
        }
        assertThat(unknown).as("keys the documentation names that the configuration metadata does not have").isEmpty();
    }

    private static boolean exists(String key, Map<String, JsonNode> properties) {
        String plain = key.endsWith(".*") ? key.substring(0, key.length() - 2) : key;
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            String name = property.getKey();
            if (name.equals(plain) || name.startsWith(plain + ".")) {
                return true;
            }
            if (plain.startsWith(name + ".") && property.getValue().path("type").asString("").startsWith("java.util.Map<")) {
                return entryPathExists(plain.substring(name.length() + 1), mapValueType(name));
            }
        }
        return false;
    }

    /** Whether some ending of {@code rest} (a map key may hold dots) is a property path of the map's value type. */
    private static boolean entryPathExists(String rest, Class<?> valueType) {
        String[] segments = rest.split("\\.");
        for (int start = 1; start <= segments.length; start++) {
            String[] path = java.util.Arrays.copyOfRange(segments, start, segments.length);
            if (path.length == 0 ? rest.endsWith("*") : pathExists(path, valueType)) {
                return true;
            }
        }
        return false;
    }

    private static boolean pathExists(String[] path, Class<?> type) {
        if (path.length == 1 && path[0].equals("*")) {
            return true;
        }
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || !kebab(field.getName()).equals(path[0])) {
                continue;
            }
            if (path.length == 1 || Map.class.isAssignableFrom(field.getType())) {
                return true;
            }
            return pathExists(java.util.Arrays.copyOfRange(path, 1, path.length), field.getType());
        }
        return false;
    }

    private static Class<?> mapValueType(String property) {
        String field = switch (property) {
            case "warren.queues" -> "queues";
            case "warren.circuit-breakers" -> "circuitBreakers";
            case "warren.topics" -> "topics";
            default -> throw new IllegalStateException("No map property " + property + " in WarrenProperties");
        };
        try {
            Type type = WarrenProperties.class.getDeclaredField(field).getGenericType();
            return (Class<?>) ((ParameterizedType) type).getActualTypeArguments()[1];
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("WarrenProperties has no field " + field + " for " + property, e);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    private static String referenceTable() throws IOException {
        StringBuilder table = new StringBuilder("\n\n| key | type | default | what it is |\n|---|---|---|---|\n");
        properties().forEach((name, property) -> table.append("| `").append(name).append("` | ")
                .append(simpleType(property.path("type").asString(""))).append(" | ")
                .append(property.has("defaultValue") ? "`" + property.get("defaultValue").toString().replace("\"", "") + "`" : "")
                .append(" | ").append(property.path("description").asString("").replace("|", "\\|").replace("\n", " "))
                .append(" |\n"));
        return table.append('\n').toString();
    }

    private static String simpleType(String type) {
        return type.replaceAll("[a-z][\\w]*\\.", "").replace("$", ".").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Map<String, JsonNode> properties() throws IOException {
        try (InputStream metadata = DocumentedPropertiesTests.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("the configuration processor's metadata on the test classpath").isNotNull();
            JsonNode root = JsonMapper.builder().build().readTree(new String(metadata.readAllBytes(), StandardCharsets.UTF_8));
            Map<String, JsonNode> properties = new TreeMap<>();
            for (JsonNode property : root.path("properties")) {
                String name = property.path("name").asString("");
                if (name.startsWith("warren.")) {
                    properties.put(name, property);
                }
            }
            return properties;
        }
    }
}
