package dev.warren.internal.asyncapi;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.PropertyNamingStrategy;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schemas (draft 07, which AsyncAPI's schema format extends) of handler payload types, as
 * Warren's JSON mapper reads them: records by their components, other classes by their public
 * getters and fields, enums by their constant names, {@code java.time} types as ISO-8601 strings,
 * collections as arrays and {@code Map<String, X>} as objects with {@code additionalProperties}.
 * Records, other classes and enums become named schemas (referenced with {@code $ref}, so that
 * recursive types work); the rest is inline. {@code @JsonProperty} names, {@code @JsonIgnore} and
 * the mapper's naming strategy (such as snake_case) are honoured; custom deserializers are not seen.
 *
 * <p>A property is required when its type is primitive, when it is marked {@code @NotNull} or
 * {@code @NonNull}, or when it is in {@code @NullMarked} code and not {@code @Nullable}; it may be
 * {@code null} when it is {@code @Nullable} or an {@code Optional}. Not thread-safe: one instance
 * per document.
 */
final class PayloadSchemas {

    /** Where the named schemas live in the document, for {@code $ref}. */
    static final String REF_PREFIX = "#/components/schemas/";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, ObjectNode> named = new LinkedHashMap<>();
    private final Map<Type, String> names = new HashMap<>();
    private final UnaryOperator<String> naming;

    /**
     * @param naming renames a property that has no {@code @JsonProperty} name, as the mapper's
     *     naming strategy does
     */
    PayloadSchemas(UnaryOperator<String> naming) {
        this.naming = naming;
    }

    /**
     * The renaming of a mapper's naming strategy, for the simple strategies (snake_case, kebab-case
     * and the like) that rename by the name alone; none for others.
     */
    static UnaryOperator<String> naming(JsonMapper mapper) {
        DeserializationConfig config = mapper.deserializationConfig();
        PropertyNamingStrategy strategy = config.getPropertyNamingStrategy();
        if (strategy instanceof PropertyNamingStrategies.NamingBase base) {
            // These rename by the name alone, so they need no field to look at.
            return name -> base.nameForField(config, null, name);
        }
        return UnaryOperator.identity();
    }

    /** The named schemas found so far: name to schema, in the order they were first met. */
    Map<String, ObjectNode> named() {
        return named;
    }

    /**
     * The schema of a type: inline for scalars, arrays and maps, a {@code $ref} for named types.
     *
     * @param type a payload type, generics included
     */
    ObjectNode schemaOf(Type type) {
        return schemaOf(type, Map.of());
    }

    /**
     * A readable name for a type, for message names: {@code VideoJob}, {@code ListOfVideoJob}.
     * Contains only letters, digits and underscores.
     */
    static String displayName(Type type) {
        if (type instanceof Class<?> c) {
            if (c.isArray()) {
                return displayName(c.getComponentType()) + "Array";
            }
            return wrapper(c).getSimpleName().replaceAll("[^A-Za-z0-9_]", "_");
        }
        if (type instanceof ParameterizedType p) {
            return displayName(p.getRawType()) + "Of" + Arrays.stream(p.getActualTypeArguments())
                    .map(PayloadSchemas::displayName).collect(Collectors.joining("And"));
        }
        if (type instanceof GenericArrayType a) {
            return displayName(a.getGenericComponentType()) + "Array";
        }
        if (type instanceof WildcardType w) {
            return displayName(w.getUpperBounds()[0]);
        }
        return "Object";
    }

    private ObjectNode schemaOf(Type type, Map<TypeVariable<?>, Type> bindings) {
        if (type instanceof TypeVariable<?> variable) {
            Type bound = bindings.get(variable);
            return bound != null ? schemaOf(bound, bindings) : NODES.objectNode();
        }
        if (type instanceof WildcardType wildcard) {
            return schemaOf(wildcard.getUpperBounds()[0], bindings);
        }
        if (type instanceof GenericArrayType array) {
            return arrayOf(schemaOf(array.getGenericComponentType(), bindings), false);
        }
        if (type instanceof ParameterizedType parameterized) {
            return parameterized(parameterized, bindings);
        }
        Class<?> c = (Class<?>) type;
        ObjectNode scalar = scalar(c);
        if (scalar != null) {
            return scalar;
        }
        if (c == OptionalInt.class || c == OptionalLong.class) {
            return nullable(typed("integer"));
        }
        if (c == OptionalDouble.class) {
            return nullable(typed("number"));
        }
        if (c.isArray()) {
            return arrayOf(schemaOf(c.getComponentType(), bindings), false);
        }
        if (Collection.class.isAssignableFrom(c) || c == Optional.class) {
            // A raw collection or Optional says nothing about its elements.
            return Collection.class.isAssignableFrom(c) ? arrayOf(NODES.objectNode(), Set.class.isAssignableFrom(c))
                    : NODES.objectNode();
        }
        if (Map.class.isAssignableFrom(c)) {
            return typed("object");
        }
        if (c == Object.class || JsonNode.class.isAssignableFrom(c)) {
            return NODES.objectNode();
        }
        return named(c, c, Map.of());
    }

    private ObjectNode parameterized(ParameterizedType type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw = (Class<?>) type.getRawType();
        Type[] arguments = type.getActualTypeArguments();
        if (raw == Optional.class) {
            return nullable(schemaOf(arguments[0], bindings));
        }
        if (Collection.class.isAssignableFrom(raw) && arguments.length == 1) {
            return arrayOf(schemaOf(arguments[0], bindings), Set.class.isAssignableFrom(raw));
        }
        if (Map.class.isAssignableFrom(raw) && arguments.length == 2) {
            // JSON object keys are strings; Jackson writes other keys (numbers, enums) as their text.
            ObjectNode map = typed("object");
            map.set("additionalProperties", schemaOf(arguments[1], bindings));
            return map;
        }
        Map<TypeVariable<?>, Type> own = new HashMap<>();
        TypeVariable<?>[] variables = raw.getTypeParameters();
        for (int i = 0; i < variables.length && i < arguments.length; i++) {
            Type argument = arguments[i];
            own.put(variables[i], argument instanceof TypeVariable<?> v && bindings.containsKey(v) ? bindings.get(v) : argument);
        }
        return named(type, raw, own);
    }

    /** A {@code $ref} to the named schema of a class, generating it the first time. */
    private ObjectNode named(Type type, Class<?> raw, Map<TypeVariable<?>, Type> bindings) {
        String name = names.get(type);
        if (name == null) {
            name = uniqueName(type, raw);
            names.put(type, name);
            ObjectNode schema = NODES.objectNode();
            // Registered before its properties, so that a type that refers to itself gets a $ref.
            named.put(name, schema);
            schema.put("title", raw.getSimpleName());
            if (raw.isEnum()) {
                schema.put("type", "string");
                ArrayNode values = schema.putArray("enum");
                for (Field constant : raw.getFields()) {
                    if (constant.isEnumConstant()) {
                        values.add(jsonName(constant, constant.getName()));
                    }
                }
            } else {
                object(schema, raw, bindings);
            }
        }
        ObjectNode ref = NODES.objectNode();
        ref.put("$ref", REF_PREFIX + name);
        return ref;
    }

    private String uniqueName(Type type, Class<?> raw) {
        String base = displayName(type);
        if (!named.containsKey(base)) {
            return base;
        }
        // Two classes of one simple name: the later one is named by its package too.
        String qualified = raw.getName().replace('$', '.') + (type instanceof ParameterizedType ? "." + base : "");
        String candidate = qualified;
        for (int i = 2; named.containsKey(candidate); i++) {
            candidate = qualified + "_" + i;
        }
        return candidate;
    }

    private void object(ObjectNode schema, Class<?> type, Map<TypeVariable<?>, Type> bindings) {
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        boolean nullMarked = nullMarked(type);
        for (Property property : properties(type)) {
            if (property.element().isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class)) {
                continue;
            }
            String explicit = jsonName(property.element(), property.name());
            // Jackson leaves explicit names alone and renames the rest by its naming strategy.
            String name = explicit.equals(property.name()) ? naming.apply(property.name()) : explicit;
            ObjectNode propertySchema = schemaOf(property.type(), bindings);
            boolean optional = erasure(property.type()) == Optional.class;
            boolean nullable = has(property.annotations(), "Nullable");
            if (nullable && !optional) {
                propertySchema = nullable(propertySchema);
            }
            properties.set(name, propertySchema);
            boolean primitive = property.type() instanceof Class<?> c && c.isPrimitive();
            boolean nonNull = has(property.annotations(), "NotNull") || has(property.annotations(), "NonNull");
            if (primitive || nonNull || (nullMarked && !nullable && !optional)) {
                required.add(name);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
    }

    /** A property as Jackson reads it: its name, declared type, and the annotations on either. */
    private record Property(String name, Type type, AnnotatedElement element, List<Annotation> annotations) {
    }

    private static List<Property> properties(Class<?> type) {
        Map<String, Property> found = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                List<Annotation> annotations = new java.util.ArrayList<>(Arrays.asList(component.getAnnotations()));
                annotations.addAll(Arrays.asList(component.getAnnotatedType().getAnnotations()));
                // Annotations on a record component may have been propagated to its field only.
                annotations.addAll(Arrays.asList(fieldAnnotations(type, component.getName())));
                found.put(component.getName(), new Property(component.getName(), component.getGenericType(), component, annotations));
            }
            return List.copyOf(found.values());
        }
        for (Method method : type.getMethods()) {
            String name = getterName(method);
            if (name != null) {
                List<Annotation> annotations = new java.util.ArrayList<>(Arrays.asList(method.getAnnotations()));
                annotations.addAll(Arrays.asList(method.getAnnotatedReturnType().getAnnotations()));
                annotations.addAll(Arrays.asList(fieldAnnotations(type, name)));
                found.putIfAbsent(name, new Property(name, method.getGenericReturnType(), method, annotations));
            }
        }
        for (Field field : type.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                List<Annotation> annotations = new java.util.ArrayList<>(Arrays.asList(field.getAnnotations()));
                annotations.addAll(Arrays.asList(field.getAnnotatedType().getAnnotations()));
                found.putIfAbsent(field.getName(), new Property(field.getName(), field.getGenericType(), field, annotations));
            }
        }
        List<Property> sorted = new java.util.ArrayList<>(found.values());
        // getMethods() has no defined order; sort so that the document is the same at every start.
        sorted.sort(java.util.Comparator.comparing(Property::name));
        return sorted;
    }

    private static Annotation[] fieldAnnotations(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                List<Annotation> annotations = new java.util.ArrayList<>(Arrays.asList(field.getAnnotations()));
                annotations.addAll(Arrays.asList(field.getAnnotatedType().getAnnotations()));
                return annotations.toArray(Annotation[]::new);
            } catch (NoSuchFieldException e) {
                // Not declared here: look in the superclass.
            }
        }
        return new Annotation[0];
    }

    private static @Nullable String getterName(Method method) {
        if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                || method.getDeclaringClass() == Object.class || method.getReturnType() == void.class) {
            return null;
        }
        String name = method.getName();
        if (name.startsWith("get") && name.length() > 3) {
            return Character.toLowerCase(name.charAt(3)) + name.substring(4);
        }
        if (name.startsWith("is") && name.length() > 2 && (method.getReturnType() == boolean.class)) {
            return Character.toLowerCase(name.charAt(2)) + name.substring(3);
        }
        return null;
    }

    private static String jsonName(AnnotatedElement element, String name) {
        com.fasterxml.jackson.annotation.JsonProperty property = element.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : name;
    }

    /** Whether code in the class is {@code @NullMarked}: the class, an enclosing class or its package says so. */
    private static boolean nullMarked(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (has(Arrays.asList(c.getAnnotations()), "NullUnmarked")) {
                return false;
            }
            if (has(Arrays.asList(c.getAnnotations()), "NullMarked")) {
                return true;
            }
        }
        Package p = type.getPackage();
        return p != null && has(Arrays.asList(p.getAnnotations()), "NullMarked");
    }

    /** Annotations are matched by simple name, so that JSpecify's, Jakarta's and Spring's all count. */
    private static boolean has(List<Annotation> annotations, String simpleName) {
        return annotations.stream().anyMatch(a -> a.annotationType().getSimpleName().equals(simpleName));
    }

    private static Class<?> erasure(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static @Nullable ObjectNode scalar(Class<?> type) {
        Class<?> c = wrapper(type);
        if (c == String.class || CharSequence.class.isAssignableFrom(c)) {
            return typed("string");
        }
        if (c == Character.class) {
            return typed("string").put("minLength", 1).put("maxLength", 1);
        }
        if (c == Boolean.class) {
            return typed("boolean");
        }
        if (c == Integer.class || c == Short.class || c == Byte.class) {
            return typed("integer").put("format", "int32");
        }
        if (c == Long.class) {
            return typed("integer").put("format", "int64");
        }
        if (c == BigInteger.class) {
            return typed("integer");
        }
        if (c == Float.class) {
            return typed("number").put("format", "float");
        }
        if (c == Double.class) {
            return typed("number").put("format", "double");
        }
        if (c == BigDecimal.class || Number.class.isAssignableFrom(c)) {
            return typed("number");
        }
        if (c == byte[].class) {
            return typed("string").put("contentEncoding", "base64");
        }
        if (c == UUID.class) {
            return typed("string").put("format", "uuid");
        }
        if (c == URI.class || c == URL.class) {
            return typed("string").put("format", "uri");
        }
        if (c == Instant.class || c == OffsetDateTime.class || c == ZonedDateTime.class) {
            return typed("string").put("format", "date-time");
        }
        if (c == LocalDate.class) {
            return typed("string").put("format", "date");
        }
        if (c == LocalTime.class || c == OffsetTime.class) {
            return typed("string").put("format", "time");
        }
        if (c == Duration.class || c == Period.class) {
            return typed("string").put("format", "duration");
        }
        if (c == LocalDateTime.class) {
            return typed("string").put("description", "ISO-8601 date and time without offset, e.g. 2026-01-31T10:15:30");
        }
        if (c == Year.class) {
            return typed("integer").put("format", "int32");
        }
        if (c.getPackage() != null && c.getPackage().getName().equals("java.time")) {
            // YearMonth, MonthDay, ZoneId, ZoneOffset: Jackson writes their ISO-8601 text.
            return typed("string");
        }
        return null;
    }

    private static Class<?> wrapper(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return Map.<Class<?>, Class<?>>of(int.class, Integer.class, long.class, Long.class, short.class, Short.class,
                byte.class, Byte.class, boolean.class, Boolean.class, char.class, Character.class, float.class, Float.class,
                double.class, Double.class).getOrDefault(type, type);
    }

    private static ObjectNode typed(String type) {
        return NODES.objectNode().put("type", type);
    }

    private static ObjectNode arrayOf(ObjectNode items, boolean unique) {
        ObjectNode array = typed("array");
        array.set("items", items);
        if (unique) {
            array.put("uniqueItems", true);
        }
        return array;
    }

    /** The schema, or {@code null}. */
    private static ObjectNode nullable(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isString() && !schema.has("enum")) {
            ObjectNode copy = schema.deepCopy();
            copy.set("type", NODES.arrayNode().add(type.asString()).add("null"));
            return copy;
        }
        ObjectNode either = NODES.objectNode();
        either.putArray("oneOf").add(schema).add(typed("null"));
        return either;
    }
}
