package io.github.sparktogetherbatch.emulator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonSchemaInstanceTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode j(String json) {
    try {
      return M.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static JsonNode gen(String schema, long seed) {
    return JsonSchemaInstance.generate(j(schema), seed);
  }

  @Test
  void everyPropertyWithItsType() {
    String schema =
        "{'type':'object','required':['s','n','i','b','z','a','o'],'properties':{"
            + "'s':{'type':'string'},'n':{'type':'number'},'i':{'type':'integer'},"
            + "'b':{'type':'boolean'},'z':{'type':'null'},'opt':{'type':'string'},"
            + "'a':{'type':'array','items':{'type':'integer'}},"
            + "'o':{'type':'object','required':['x'],'properties':{'x':{'type':'string'}}}},"
            + "'additionalProperties':false}";
    for (long seed = 0; seed < 50; seed++) {
      JsonNode v = gen(schema, seed);
      assertTrue(v.get("s").isTextual() && v.get("s").asText().startsWith("s-"), v::toString);
      assertTrue(v.get("n").isNumber());
      assertTrue(v.get("i").isIntegralNumber());
      assertTrue(v.get("b").isBoolean());
      assertTrue(v.get("z").isNull());
      assertTrue(v.get("opt").isTextual(), "optional properties are present too");
      assertTrue(v.get("a").isArray() && v.get("a").size() >= 1 && v.get("a").size() <= 3);
      v.get("a").forEach(e -> assertTrue(e.isIntegralNumber()));
      assertTrue(v.get("o").get("x").isTextual());
      assertEquals(8, v.size());
    }
  }

  @Test
  void sameSeedSameInstanceOtherSeedOtherValues() {
    String schema =
        "{'type':'object','properties':{'label':{'type':'string'},'score':{'type':'number'}}}";
    assertEquals(gen(schema, 42), gen(schema, 42));
    Set<JsonNode> seen = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      seen.add(gen(schema, seed));
    }
    assertEquals(20, seen.size());
  }

  @Test
  void formatsEnumsConstAndBounds() {
    String schema =
        "{'type':'object','properties':{'d':{'type':'string','format':'date'},"
            + "'t':{'type':'string','format':'date-time'},'u':{'type':'string','format':'uuid'},"
            + "'e':{'type':'string','format':'email'},'k':{'enum':['a','b','c']},"
            + "'c':{'const':7},'r':{'type':'integer','minimum':5,'maximum':6},"
            + "'x':{'type':'number','exclusiveMinimum':0,'exclusiveMaximum':1},"
            + "'short':{'type':'string','maxLength':3},'long':{'type':'string','minLength':40}}}";
    Set<String> enums = new HashSet<>();
    for (long seed = 0; seed < 100; seed++) {
      JsonNode v = gen(schema, seed);
      LocalDate.parse(v.get("d").asText());
      OffsetDateTime.parse(v.get("t").asText());
      UUID.fromString(v.get("u").asText());
      assertTrue(v.get("e").asText().matches("[a-z0-9]+@example\\.com"));
      enums.add(v.get("k").asText());
      assertEquals(7, v.get("c").asInt());
      int r = v.get("r").asInt();
      assertTrue(r == 5 || r == 6);
      double x = v.get("x").asDouble();
      assertTrue(x > 0 && x < 1, () -> "" + x);
      assertTrue(v.get("short").asText().length() <= 3);
      assertTrue(v.get("long").asText().length() >= 40);
    }
    assertEquals(Set.of("a", "b", "c"), enums);
  }

  @Test
  void nullableUnionsPickBothBranches() {
    Set<String> kinds = new HashSet<>();
    for (long seed = 0; seed < 50; seed++) {
      JsonNode v = gen("{'type':'object','properties':{'v':{'type':['integer','null']}}}", seed);
      assertTrue(v.get("v").isNull() || v.get("v").isIntegralNumber());
      kinds.add(v.get("v").getNodeType().toString());
    }
    assertEquals(Set.of("NULL", "NUMBER"), kinds);
  }

  @Test
  void arraysOfObjectsMapsRefsAndCombinators() {
    String schema =
        "{'type':'object','$defs':{'item':{'type':'object','required':['id','qty'],"
            + "'properties':{'id':{'type':'string'},'qty':{'type':'integer','minimum':1}}}},"
            + "'properties':{'items':{'type':'array','minItems':2,'maxItems':2,"
            + "'items':{'$ref':'#/$defs/item'}},"
            + "'counts':{'type':'object','additionalProperties':{'type':'integer'}},"
            + "'either':{'anyOf':[{'type':'string'},{'type':'boolean'}]},"
            + "'both':{'allOf':[{'type':'object','properties':{'a':{'type':'string'}}},"
            + "{'properties':{'b':{'type':'integer'}},'required':['b']}]}}}";
    JsonNode v = gen(schema, 3);
    assertEquals(2, v.get("items").size());
    for (JsonNode item : v.get("items")) {
      assertTrue(item.get("id").isTextual());
      assertTrue(item.get("qty").asInt() >= 1);
    }
    JsonNode counts = v.get("counts");
    assertTrue(counts.size() >= 1 && counts.size() <= 3, counts::toString);
    counts.forEach(c -> assertTrue(c.isIntegralNumber()));
    assertTrue(v.get("either").isTextual() || v.get("either").isBoolean());
    assertTrue(v.get("both").get("a").isTextual());
    assertTrue(v.get("both").get("b").isIntegralNumber());
  }

  @Test
  void untypedAndRecursiveSchemasEnd() {
    assertTrue(gen("{}", 1).isTextual());
    assertTrue(gen("{'properties':{'p':{}}}", 1).get("p").isTextual());
    JsonNode tree =
        gen(
            "{'$defs':{'node':{'type':'object','properties':{'child':{'$ref':'#/$defs/node'}}}},"
                + "'$ref':'#/$defs/node'}",
            1);
    int depth = 0;
    for (JsonNode n = tree; n != null && n.isObject(); n = n.get("child")) {
      depth++;
    }
    assertTrue(depth > 3 && depth < 20, "recursion stops: " + depth);
  }

  @Test
  void theSparkStyleSchemaOfTheDesign() {
    // "label STRING, score DOUBLE, tags ARRAY<STRING>, meta STRUCT<lang: STRING, n: INT>"
    String schema =
        "{'type':'object','properties':{'label':{'type':['string','null']},"
            + "'score':{'type':['number','null']},'tags':{'type':['array','null'],"
            + "'items':{'type':['string','null']}},'meta':{'type':['object','null'],"
            + "'properties':{'lang':{'type':['string','null']},'n':{'type':['integer','null']}},"
            + "'required':['lang','n'],'additionalProperties':false}},"
            + "'required':['label','score','tags','meta'],'additionalProperties':false}";
    for (long seed = 0; seed < 30; seed++) {
      JsonNode v = gen(schema, seed);
      for (String f : List.of("label", "score", "tags", "meta")) {
        assertTrue(v.has(f));
      }
      if (v.get("meta").isObject()) {
        assertTrue(v.get("meta").has("lang") && v.get("meta").has("n"));
      }
    }
    assertNotEquals(gen(schema, 1), gen(schema, 2));
  }
}
