package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.util.Set;

/**
 * The parts of a chat completion request the model reads, validated as Together's spec types them:
 * the messages (a content is a string, null, or an array of content parts), {@code max_tokens},
 * {@code response_format}, and {@code tools} with a {@code tool_choice} that forces a call.
 */
final class ChatRequest {
  /** The content part types of the spec. */
  static final Set<String> PART_TYPES =
      Set.of("text", "image_url", "video_url", "audio_url", "input_audio");

  /** Why the request is invalid, or null when it is valid. */
  String error;

  /** Text of the last user message: its text parts joined by a space; "" without one. */
  String inputText = "";

  /** Words over every message's text. */
  int promptWords;

  /** Image, video and audio parts of the last user message. */
  int images;

  int videos;
  int audios;

  /** {@code max_tokens}, or -1. */
  int maxTokens = -1;

  /** {@code json_object}, {@code json_schema}, or null for plain text. */
  String responseFormat;

  /** The schema of a {@code json_schema} response format. */
  JsonNode schema;

  /** The function a {@code tool_choice} forces, or null. */
  JsonNode forcedFunction;

  private ChatRequest() {}

  /** Parses and validates a chat request body (a JSON object). */
  static ChatRequest parse(JsonNode body) {
    ChatRequest r = new ChatRequest();
    r.error = r.read(body);
    return r;
  }

  private String read(JsonNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      return "'messages' is required and must be a non-empty array";
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject()) {
        return "each message must be an object";
      }
      String err = readContent(i, m);
      if (err != null) {
        return err;
      }
    }
    JsonNode maxTokensNode = body.get("max_tokens");
    if (maxTokensNode != null && !maxTokensNode.isNull()) {
      if (!maxTokensNode.isIntegralNumber()
          || maxTokensNode.asLong() < 1
          || !maxTokensNode.canConvertToInt()) {
        return "'max_tokens' must be a positive integer";
      }
      maxTokens = maxTokensNode.asInt();
    }
    String err = readResponseFormat(body.get("response_format"));
    return err != null ? err : readTools(body.get("tools"), body.get("tool_choice"));
  }

  private String readContent(int i, JsonNode m) {
    JsonNode content = m.get("content");
    boolean user = "user".equals(Json.text(m, "role"));
    String text;
    int img = 0;
    int vid = 0;
    int aud = 0;
    if (content == null || content.isNull()) {
      text = "";
    } else if (content.isTextual()) {
      text = content.asText();
    } else if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        String where = "messages[" + i + "].content[" + j + "]";
        String type = part.isObject() ? Json.text(part, "type") : null;
        if (type == null) {
          return where + ": a content part must be an object with a string 'type'";
        }
        switch (type) {
          case "text":
            String t = Json.text(part, "text");
            if (t == null) {
              return where + ": a 'text' part needs a string 'text'";
            }
            if (sb.length() > 0) {
              sb.append(' ');
            }
            sb.append(t);
            break;
          case "image_url":
          case "video_url":
          case "audio_url":
            if (Json.text(part.path(type), "url") == null) {
              return where + ": an '" + type + "' part needs a string '" + type + ".url'";
            }
            img += type.equals("image_url") ? 1 : 0;
            vid += type.equals("video_url") ? 1 : 0;
            aud += type.equals("audio_url") ? 1 : 0;
            break;
          case "input_audio":
            JsonNode audio = part.path("input_audio");
            if (Json.text(audio, "data") == null || !"wav".equals(Json.text(audio, "format"))) {
              return where
                  + ": an 'input_audio' part needs a string 'input_audio.data' and"
                  + " 'input_audio.format' \"wav\"";
            }
            aud++;
            break;
          default:
            return where
                + ": unknown content part type '"
                + type
                + "'; expected one of text, image_url, video_url, audio_url, input_audio";
        }
      }
      text = sb.toString();
    } else {
      return "message 'content' must be a string or an array of content parts";
    }
    promptWords += Words.count(text);
    if (user) {
      inputText = text;
      images = img;
      videos = vid;
      audios = aud;
    }
    return null;
  }

  private String readResponseFormat(JsonNode rf) {
    if (rf == null || rf.isNull()) {
      return null;
    }
    String type = rf.isObject() ? Json.text(rf, "type") : null;
    if (type == null) {
      return "'response_format' must be an object with a string 'type'";
    }
    switch (type) {
      case "text":
        return null;
      case "json_object":
        responseFormat = type;
        return null;
      case "json_schema":
        JsonNode js = rf.get("json_schema");
        if (js == null || !js.isObject() || Json.text(js, "name") == null) {
          return "response_format 'json_schema' needs an object 'json_schema' with a string 'name'";
        }
        JsonNode s = js.get("schema");
        if (s != null && !s.isNull() && !s.isObject()) {
          return "response_format 'json_schema.schema' must be a JSON Schema object";
        }
        responseFormat = type;
        schema = s == null || s.isNull() ? Json.object().put("type", "object") : s;
        return null;
      default:
        return "response_format type '"
            + type
            + "' is not supported; expected text, json_object or json_schema";
    }
  }

  private String readTools(JsonNode tools, JsonNode choice) {
    if (tools != null && !tools.isNull() && !tools.isArray()) {
      return "'tools' must be an array";
    }
    String name = null;
    boolean forced = false;
    if (choice != null && choice.isTextual()) {
      String c = choice.asText();
      if (c.equals("required")) {
        forced = true;
      } else if (!c.equals("auto") && !c.equals("none")) {
        forced = true;
        name = c; // a bare function name
      }
    } else if (choice != null && choice.isObject()) {
      name = Json.text(choice.path("function"), "name");
      if (name == null) {
        return "'tool_choice' must name a function: {\"type\":\"function\",\"function\":{\"name\":...}}";
      }
      forced = true;
    }
    if (!forced) {
      return null;
    }
    if (tools == null || !tools.isArray() || tools.isEmpty()) {
      return "'tool_choice' forces a function call but 'tools' is empty";
    }
    for (JsonNode t : tools) {
      JsonNode fn = t.path("function");
      String n = Json.text(fn, "name");
      if (n != null && (name == null || name.equals(n))) {
        forcedFunction = fn;
        return null;
      }
    }
    return name == null
        ? "'tools' has no function with a name"
        : "'tool_choice' names the function '" + name + "', which is not in 'tools'";
  }
}
