package io.github.sparktogetherbatch.emulator.api;

import java.util.List;

/** Route templates (the keys of request counts and faults) and path matching. */
public final class RouteTable {
  public static final String CREATE_FILE = "POST /v1/files";
  public static final String UPLOAD_PUT = "PUT /_upload/{id}";
  public static final String PREPROCESS = "POST /v1/files/{id}/preprocess";
  public static final String UPLOAD_MULTIPART = "POST /v1/files/upload";
  public static final String LIST_FILES = "GET /v1/files";
  public static final String GET_FILE = "GET /v1/files/{id}";
  public static final String FILE_CONTENT = "GET /v1/files/{id}/content";
  public static final String DELETE_FILE = "DELETE /v1/files/{id}";
  public static final String CREATE_BATCH = "POST /v1/batches";
  public static final String LIST_BATCHES = "GET /v1/batches";
  public static final String GET_BATCH = "GET /v1/batches/{id}";
  public static final String CANCEL_BATCH = "POST /v1/batches/{id}/cancel";
  public static final String CHAT = "POST /v1/chat/completions";
  public static final String COMPLETIONS = "POST /v1/completions";
  public static final String LIST_MODELS = "GET /v1/models";

  public static final List<String> TEMPLATES =
      List.of(
          CREATE_FILE,
          UPLOAD_PUT,
          PREPROCESS,
          UPLOAD_MULTIPART,
          LIST_FILES,
          GET_FILE,
          FILE_CONTENT,
          DELETE_FILE,
          CREATE_BATCH,
          LIST_BATCHES,
          GET_BATCH,
          CANCEL_BATCH,
          CHAT,
          COMPLETIONS,
          LIST_MODELS);

  /** Error envelope family of a route. */
  public enum Family {
    FILES,
    BATCHES,
    STORAGE,
    COMPLETIONS
  }

  /** A matched route: its template and the {id} value (or null). */
  public static final class Match {
    public final String template;
    public final String id;

    Match(String template, String id) {
      this.template = template;
      this.id = id;
    }

    /** The error envelope family of the matched route. */
    public Family family() {
      return familyOf(template);
    }
  }

  private RouteTable() {}

  /** The error envelope family of a route template. */
  private static Family familyOf(String template) {
    if (template.contains("/_upload/")) {
      return Family.STORAGE;
    }
    if (template.contains("/v1/batches")) {
      return Family.BATCHES;
    }
    if (template.contains("completions")) {
      return Family.COMPLETIONS;
    }
    return Family.FILES;
  }

  /**
   * Matches a request. Returns null when no route has that path; a Match with a null template and a
   * family when the path exists but not for this method (405).
   */
  public static Match match(String method, List<String> s) {
    int n = s.size();
    if (n == 2 && s.get(0).equals("_upload") && !s.get(1).isEmpty()) {
      return method.equals("PUT") ? new Match(UPLOAD_PUT, s.get(1)) : new Match(null, s.get(1));
    }
    if (n < 2 || !s.get(0).equals("v1")) {
      return null;
    }
    String a = s.get(1);
    if (a.equals("files")) {
      if (n == 2) {
        return pick(method, null, "POST", CREATE_FILE, "GET", LIST_FILES);
      }
      String id = s.get(2);
      if (id.isEmpty()) {
        return null;
      }
      if (n == 3) {
        if (id.equals("upload") && method.equals("POST")) {
          return new Match(UPLOAD_MULTIPART, null);
        }
        return pick(method, id, "GET", GET_FILE, "DELETE", DELETE_FILE);
      }
      if (n == 4 && s.get(3).equals("preprocess")) {
        return pick(method, id, "POST", PREPROCESS, null, null);
      }
      if (n == 4 && s.get(3).equals("content")) {
        return pick(method, id, "GET", FILE_CONTENT, null, null);
      }
      return null;
    }
    if (a.equals("batches")) {
      if (n == 2) {
        return pick(method, null, "POST", CREATE_BATCH, "GET", LIST_BATCHES);
      }
      String id = s.get(2);
      if (id.isEmpty()) {
        return null;
      }
      if (n == 3) {
        return pick(method, id, "GET", GET_BATCH, null, null);
      }
      if (n == 4 && s.get(3).equals("cancel")) {
        return pick(method, id, "POST", CANCEL_BATCH, null, null);
      }
      return null;
    }
    if (n == 3 && a.equals("chat") && s.get(2).equals("completions")) {
      return pick(method, null, "POST", CHAT, null, null);
    }
    if (n == 2 && a.equals("completions")) {
      return pick(method, null, "POST", COMPLETIONS, null, null);
    }
    if (n == 2 && a.equals("models")) {
      return pick(method, null, "GET", LIST_MODELS, null, null);
    }
    return null;
  }

  private static Match pick(String method, String id, String m1, String t1, String m2, String t2) {
    if (method.equals(m1)) {
      return new Match(t1, id);
    }
    if (m2 != null && method.equals(m2)) {
      return new Match(t2, id);
    }
    return new Match(null, id);
  }
}
