package io.github.sparktogetherbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small OpenAPI schema validator for conformance tests: {@code $ref}, {@code type} (also as a
 * list), {@code nullable}, {@code required}, {@code properties}, {@code additionalProperties},
 * {@code items}, {@code enum}, {@code const}, {@code allOf}/{@code anyOf}/{@code oneOf}, and
 * formats {@code date-time} (RFC 3339, any fraction length, Z or offset) and {@code uuid}.
 *
 * <p>Known deviations of the live API from the spec are given as {@code "Schema.property"} names
 * whose value may be null, and extra enum values per schema name.
 */
final class OpenApiValidator {
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\d[Tt]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?([Zz]|[+-]\\d\\d:\\d\\d)");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final JsonNode root;
  private final Set<String> nullTolerated;
  private final Map<String, Set<String>> extraEnumValues;

  OpenApiValidator(Path yaml, Set<String> nullTolerated, Map<String, Set<String>> extraEnumValues)
      throws IOException {
    this.root = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
    this.nullTolerated = nullTolerated;
    this.extraEnumValues = extraEnumValues;
  }

  JsonNode schema(String name) {
    JsonNode s = root.path("components").path("schemas").get(name);
    if (s == null) {
      throw new IllegalArgumentException("no schema " + name);
    }
    return s;
  }

  /** The JSON schema a path operation declares for a status, or null. */
  JsonNode responseSchema(String specPath, String method, int status) {
    JsonNode op = root.path("paths").path(specPath).path(method.toLowerCase(Locale.ROOT));
    JsonNode resp = op.path("responses").path(Integer.toString(status));
    JsonNode s = resp.path("content").path("application/json").get("schema");
    return s;
  }

  /** Errors of a value against a named component schema (empty when valid). */
  List<String> validate(String schemaName, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema(schemaName), schemaName, value, "$", errors);
    return errors;
  }

  /** Errors of a value against an inline schema (e.g. a response schema). */
  List<String> validate(JsonNode schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema, null, value, "$", errors);
    return errors;
  }

  private JsonNode resolve(JsonNode schema) {
    JsonNode s = schema;
    int guard = 0;
    while (s.has("$ref")) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalArgumentException("external $ref " + ref);
      }
      JsonNode target = root;
      for (String part : ref.substring(2).split("/")) {
        target = target.path(part.replace("~1", "/").replace("~0", "~"));
      }
      if (target.isMissingNode()) {
        throw new IllegalArgumentException("dangling $ref " + ref);
      }
      s = target;
      if (++guard > 50) {
        throw new IllegalArgumentException("$ref loop at " + ref);
      }
    }
    return s;
  }

  private static String refName(JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref == null) {
      return null;
    }
    String r = ref.asText();
    return r.substring(r.lastIndexOf('/') + 1);
  }

  private boolean nullable(JsonNode schema) {
    JsonNode s = resolve(schema);
    if (s.path("nullable").asBoolean(false)) {
      return true;
    }
    JsonNode type = s.get("type");
    if (type != null && type.isArray()) {
      for (JsonNode t : type) {
        if (t.asText().equals("null")) {
          return true;
        }
      }
    }
    for (String comb : new String[] {"allOf", "anyOf", "oneOf"}) {
      for (JsonNode sub : s.path(comb)) {
        if (nullable(sub)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean constrainsType(JsonNode s) {
    return s.has("type")
        || s.has("properties")
        || s.has("items")
        || s.has("enum")
        || s.has("const")
        || s.has("allOf")
        || s.has("anyOf")
        || s.has("oneOf");
  }

  private void check(
      JsonNode schemaIn, String name, JsonNode value, String path, List<String> errors) {
    String refName = refName(schemaIn);
    if (refName != null) {
      name = refName;
    }
    JsonNode s = resolve(schemaIn);
    if (value == null || value.isNull()) {
      if (nullable(schemaIn) || !constrainsType(s)) {
        return;
      }
      errors.add(path + ": null is not allowed");
      return;
    }
    JsonNode type = s.get("type");
    if (type != null) {
      boolean any = false;
      if (type.isArray()) {
        for (JsonNode t : type) {
          any |= typeMatches(t.asText(), value);
        }
      } else {
        any = typeMatches(type.asText(), value);
      }
      if (!any) {
        errors.add(
            path
                + ": expected "
                + type
                + " but got "
                + value.getNodeType()
                + " "
                + abbreviate(value));
        return;
      }
    }
    if (s.has("const") && !s.get("const").equals(value)) {
      errors.add(path + ": expected const " + s.get("const") + " but got " + value);
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode e : s.get("enum")) {
        found |= e.equals(value);
      }
      if (!found
          && !(name != null
              && value.isTextual()
              && extraEnumValues.getOrDefault(name, Set.of()).contains(value.asText()))) {
        errors.add(path + ": " + value + " not in enum " + s.get("enum"));
      }
    }
    if (value.isTextual() && s.has("format")) {
      String f = s.get("format").asText();
      if (f.equals("date-time") && !DATE_TIME.matcher(value.asText()).matches()) {
        errors.add(path + ": not an RFC 3339 date-time: " + value.asText());
      }
      if (f.equals("uuid") && !UUID.matcher(value.asText()).matches()) {
        errors.add(path + ": not a uuid: " + value.asText());
      }
    }
    if (value.isObject()) {
      for (JsonNode req : s.path("required")) {
        if (!value.has(req.asText())) {
          errors.add(path + ": missing required property '" + req.asText() + "'");
        }
      }
      JsonNode props = s.path("properties");
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode ps = props.get(e.getKey());
        String p = path + "." + e.getKey();
        if (ps != null) {
          if (e.getValue().isNull()
              && name != null
              && nullTolerated.contains(name + "." + e.getKey())) {
            continue;
          }
          check(ps, null, e.getValue(), p, errors);
        } else {
          JsonNode ap = s.get("additionalProperties");
          if (ap != null && ap.isBoolean() && !ap.asBoolean()) {
            errors.add(p + ": additional property not allowed");
          } else if (ap != null && ap.isObject()) {
            check(ap, null, e.getValue(), p, errors);
          }
        }
      }
    }
    if (value.isArray() && s.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        check(s.get("items"), null, item, path + "[" + i++ + "]", errors);
      }
    }
    for (JsonNode sub : s.path("allOf")) {
      check(sub, name, value, path, errors);
    }
    if (s.has("anyOf")) {
      boolean ok = false;
      for (JsonNode sub : s.get("anyOf")) {
        List<String> e = new ArrayList<>();
        check(sub, null, value, path, e);
        ok |= e.isEmpty();
      }
      if (!ok) {
        errors.add(path + ": matches no anyOf alternative");
      }
    }
    if (s.has("oneOf")) {
      int matches = 0;
      for (JsonNode sub : s.get("oneOf")) {
        List<String> e = new ArrayList<>();
        check(sub, null, value, path, e);
        matches += e.isEmpty() ? 1 : 0;
      }
      if (matches != 1) {
        errors.add(path + ": matches " + matches + " oneOf alternatives (need exactly 1)");
      }
    }
  }

  private static boolean typeMatches(String type, JsonNode v) {
    switch (type) {
      case "string":
        return v.isTextual();
      case "integer":
        return v.isIntegralNumber();
      case "number":
        return v.isNumber();
      case "boolean":
        return v.isBoolean();
      case "object":
        return v.isObject();
      case "array":
        return v.isArray();
      case "null":
        return v.isNull();
      default:
        throw new IllegalArgumentException("unknown type " + type);
    }
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
