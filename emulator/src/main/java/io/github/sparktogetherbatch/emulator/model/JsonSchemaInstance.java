package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a JSON instance of a JSON Schema, deterministically from a seed: the same schema and seed
 * always give the same instance, another seed gives other values.
 *
 * <p>Understood: {@code type} (also as a list such as {@code ["string","null"]}, where the seed
 * picks one), {@code properties} (every property, required or not, is present), {@code
 * additionalProperties} as a schema (a map of one to three entries when there are no {@code
 * properties}), {@code items} (one to three items, within {@code minItems}/{@code maxItems}),
 * {@code enum}, {@code const}, {@code minimum}/{@code maximum} (also exclusive), {@code
 * minLength}/{@code maxLength}, {@code format} {@code date}, {@code date-time}, {@code time},
 * {@code email}, {@code uri}, {@code uuid}, {@code anyOf}/{@code oneOf} (the seed picks a branch),
 * {@code allOf} (merged), and local {@code $ref}s ({@code #/$defs/...}, {@code #/definitions/...}).
 * A schema without {@code type} is an object when it has {@code properties}, else a string. Nesting
 * deeper than {@value #MAX_DEPTH} levels ends in {@code null}.
 */
public final class JsonSchemaInstance {
  private static final int MAX_DEPTH = 12;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final JsonNode root;
  private final long seed;

  private JsonSchemaInstance(JsonNode root, long seed) {
    this.root = root;
    this.seed = seed;
  }

  /** An instance of {@code schema} derived from {@code seed}. */
  public static JsonNode generate(JsonNode schema, long seed) {
    return new JsonSchemaInstance(schema, seed).value(schema, "$", 0);
  }

  private JsonNode value(JsonNode schema, String path, int depth) {
    if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
      return depth > MAX_DEPTH ? F.nullNode() : F.textNode(text(path, null));
    }
    schema = resolve(schema);
    if (schema.has("const")) {
      return schema.get("const").deepCopy();
    }
    JsonNode en = schema.get("enum");
    if (en != null && en.isArray() && !en.isEmpty()) {
      return en.get(pick(path + "#enum", en.size())).deepCopy();
    }
    JsonNode allOf = schema.get("allOf");
    if (allOf != null && allOf.isArray() && !allOf.isEmpty()) {
      return value(merge(schema, allOf), path, depth + 1);
    }
    for (String key : List.of("anyOf", "oneOf")) {
      JsonNode branches = schema.get(key);
      if (branches != null && branches.isArray() && !branches.isEmpty()) {
        return value(branches.get(pick(path + "#" + key, branches.size())), path, depth + 1);
      }
    }
    switch (type(schema, path)) {
      case "null":
        return F.nullNode();
      case "boolean":
        return F.booleanNode((mix(path + "#bool") & 1) == 1);
      case "integer":
        return F.numberNode(integer(schema, path));
      case "number":
        return F.numberNode(number(schema, path));
      case "array":
        return array(schema, path, depth);
      case "object":
        return object(schema, path, depth);
      default:
        return F.textNode(string(schema, path));
    }
  }

  private String type(JsonNode schema, String path) {
    JsonNode t = schema.get("type");
    if (t != null && t.isTextual()) {
      return t.asText();
    }
    if (t != null && t.isArray() && !t.isEmpty()) {
      return t.get(pick(path + "#type", t.size())).asText();
    }
    if (schema.has("properties") || schema.has("additionalProperties")) {
      return "object";
    }
    return schema.has("items") ? "array" : "string";
  }

  private JsonNode object(JsonNode schema, String path, int depth) {
    ObjectNode o = F.objectNode();
    JsonNode props = schema.get("properties");
    if (props != null && props.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = props.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), value(e.getValue(), path + "." + e.getKey(), depth + 1));
      }
    }
    JsonNode required = schema.get("required");
    if (required != null && required.isArray()) {
      for (JsonNode r : required) {
        if (r.isTextual() && !o.has(r.asText())) {
          o.set(r.asText(), F.textNode(text(path + "." + r.asText(), r.asText())));
        }
      }
    }
    JsonNode extra = schema.get("additionalProperties");
    if (o.isEmpty() && extra != null && extra.isObject()) {
      int n = 1 + pick(path + "#size", 3);
      for (int i = 1; i <= n; i++) {
        o.set("key" + i, value(extra, path + ".key" + i, depth + 1));
      }
    }
    return o;
  }

  private JsonNode array(JsonNode schema, String path, int depth) {
    int min = schema.path("minItems").asInt(1);
    int max = schema.path("maxItems").asInt(Math.max(min, 3));
    int n = min + pick(path + "#len", Math.max(1, Math.min(max, min + 2) - min + 1));
    ArrayNode a = F.arrayNode();
    JsonNode items = schema.get("items");
    for (int i = 0; i < n; i++) {
      a.add(value(items, path + "[" + i + "]", depth + 1));
    }
    return a;
  }

  private long integer(JsonNode schema, String path) {
    long lo = schema.has("minimum") ? (long) Math.ceil(schema.get("minimum").asDouble()) : 0;
    if (schema.has("exclusiveMinimum") && schema.get("exclusiveMinimum").isNumber()) {
      lo = Math.max(lo, (long) Math.floor(schema.get("exclusiveMinimum").asDouble()) + 1);
    }
    long hi =
        schema.has("maximum") ? (long) Math.floor(schema.get("maximum").asDouble()) : lo + 999;
    if (schema.has("exclusiveMaximum") && schema.get("exclusiveMaximum").isNumber()) {
      hi = Math.min(hi, (long) Math.ceil(schema.get("exclusiveMaximum").asDouble()) - 1);
    }
    if (hi < lo) {
      return lo;
    }
    long span = hi - lo + 1;
    return span <= 0 ? lo : lo + Math.floorMod(mix(path + "#int"), span);
  }

  private double number(JsonNode schema, String path) {
    double lo = schema.has("minimum") ? schema.get("minimum").asDouble() : 0;
    if (schema.has("exclusiveMinimum") && schema.get("exclusiveMinimum").isNumber()) {
      lo = Math.max(lo, schema.get("exclusiveMinimum").asDouble());
    }
    double hi = schema.has("maximum") ? schema.get("maximum").asDouble() : lo + 100;
    if (schema.has("exclusiveMaximum") && schema.get("exclusiveMaximum").isNumber()) {
      hi = Math.min(hi, schema.get("exclusiveMaximum").asDouble());
    }
    if (!(hi > lo)) {
      return lo;
    }
    double frac = (Math.floorMod(mix(path + "#num"), 9999) + 1) / 10000.0; // strictly inside
    double v = lo + (hi - lo) * frac;
    double rounded = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).doubleValue();
    return rounded > lo && rounded < hi ? rounded : v;
  }

  private String string(JsonNode schema, String path) {
    long h = mix(path + "#str");
    String format = schema.path("format").asText("");
    switch (format) {
      case "date":
        return LocalDate.of(2026, 1, 1).plusDays(Math.floorMod(h, 365)).toString();
      case "date-time":
        return LocalDate.of(2026, 1, 1).plusDays(Math.floorMod(h, 365))
            + String.format(
                "T%02d:%02d:%02dZ",
                Math.floorMod(h >>> 9, 24),
                Math.floorMod(h >>> 14, 60),
                Math.floorMod(h >>> 20, 60));
      case "time":
        return String.format(
            "%02d:%02d:%02d",
            Math.floorMod(h >>> 9, 24), Math.floorMod(h >>> 14, 60), Math.floorMod(h >>> 20, 60));
      case "email":
        return "user" + Math.floorMod(h, 10000) + "@example.com";
      case "uri":
      case "url":
        return "https://example.com/" + Completions.hex(h).substring(0, 8);
      case "uuid":
        return new UUID(h, mix(path + "#uuid")).toString();
      default:
        break;
    }
    String s = text(path, null);
    int min = schema.path("minLength").asInt(0);
    int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
    while (s.length() < min) {
      s = s + "x";
    }
    return s.length() > max ? s.substring(0, Math.max(max, min)) : s;
  }

  /** A string named after the property it fills, with a suffix from the seed. */
  private String text(String path, String name) {
    if (name == null) {
      int dot = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      name = dot >= 0 ? path.substring(dot + 1).replace("]", "") : "value";
      if (name.isEmpty() || name.equals("$")) {
        name = "value";
      }
      if (Character.isDigit(name.charAt(0))) {
        name = "item" + name;
      }
    }
    return name + "-" + Completions.hex(mix(path + "#text")).substring(0, 6);
  }

  private JsonNode resolve(JsonNode schema) {
    int guard = 0;
    while (schema.has("$ref") && guard++ < 32) {
      String ref = schema.get("$ref").asText();
      if (!ref.startsWith("#")) {
        return F.objectNode(); // external references are not followed: a string
      }
      JsonNode target = root;
      for (String part : ref.substring(1).split("/")) {
        if (!part.isEmpty()) {
          target = target.path(part.replace("~1", "/").replace("~0", "~"));
        }
      }
      if (!target.isObject()) {
        return F.objectNode();
      }
      schema = target;
    }
    return schema;
  }

  /** One schema from {@code allOf}'s parts and the schema's own keywords. */
  private JsonNode merge(JsonNode schema, JsonNode allOf) {
    ObjectNode merged = ((ObjectNode) schema).deepCopy();
    merged.remove("allOf");
    ObjectNode props = F.objectNode();
    ArrayNode required = F.arrayNode();
    List<JsonNode> parts = new ArrayList<>();
    parts.add(merged);
    for (JsonNode p : allOf) {
      parts.add(resolve(p));
    }
    for (JsonNode p : parts) {
      Iterator<Map.Entry<String, JsonNode>> it = p.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        switch (e.getKey()) {
          case "properties":
            if (e.getValue().isObject()) {
              props.setAll((ObjectNode) e.getValue());
            }
            break;
          case "required":
            if (e.getValue().isArray()) {
              required.addAll((ArrayNode) e.getValue());
            }
            break;
          default:
            if (!merged.has(e.getKey())) {
              merged.set(e.getKey(), e.getValue());
            }
        }
      }
    }
    if (!props.isEmpty()) {
      merged.set("properties", props);
    }
    if (!required.isEmpty()) {
      merged.set("required", required);
    }
    return merged;
  }

  private int pick(String key, int n) {
    return Math.floorMod(mix(key), n);
  }

  /** The seed mixed with a location in the instance. */
  private long mix(String key) {
    long h = Completions.hash(key) ^ (seed * 0x9E3779B97F4A7C15L);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
