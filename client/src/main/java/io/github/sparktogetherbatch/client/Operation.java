package io.github.sparktogetherbatch.client;

/**
 * Every request the client makes, with what the call loop needs to know of it: where it goes and
 * whether it may simply be sent again after a failure that left its outcome unknown. {@link
 * #label()} is what exceptions and logs name it by.
 */
enum Operation {
  /** Asks for an upload URL: a 302 with a signed {@code Location} and a new file id. */
  START_UPLOAD("POST /files", Target.API, true),
  /** The file's bytes to the signed URL. */
  PUT_UPLOAD("PUT signed upload URL", Target.STORAGE, true),
  FINISH_UPLOAD("POST /files/{id}/preprocess", Target.API, true),
  GET_FILE("GET /files/{id}", Target.API, true),
  LIST_FILES("GET /files", Target.API, true),
  DELETE_FILE("DELETE /files/{id}", Target.API, true),
  /** The content, or a redirect to storage that is followed once without the key. */
  GET_FILE_CONTENT("GET /files/{id}/content", Target.API, true),
  /**
   * Not safe to repeat: Together has no idempotency key, and a second create runs (and bills) every
   * request again.
   */
  CREATE_BATCH("POST /batches", Target.API, false),
  GET_BATCH("GET /batches/{id}", Target.API, true),
  LIST_BATCHES("GET /batches", Target.API, true),
  CANCEL_BATCH("POST /batches/{id}/cancel", Target.API, true),
  LIST_MODELS("GET /models", Target.API, true);

  /** Where a request goes. */
  enum Target {
    /** The API at the configured base URL: the key and the User-Agent are sent. */
    API,
    /** A signed storage URL Together handed out: no key, no API headers. */
    STORAGE
  }

  private final String label;
  private final Target target;
  private final boolean safeToRepeat;

  Operation(String label, Target target, boolean safeToRepeat) {
    this.label = label;
    this.target = target;
    this.safeToRepeat = safeToRepeat;
  }

  /** The name exceptions and logs use, e.g. {@code "POST /batches"}. */
  String label() {
    return label;
  }

  Target target() {
    return target;
  }

  /**
   * Whether the call may be sent again after a failure that leaves its outcome unknown (no
   * response, 408, 5xx) without first looking for what the lost attempt did. A repeated upload
   * start leaves at most an empty file record; a repeated read, delete or cancel changes nothing.
   */
  boolean safeToRepeat() {
    return safeToRepeat;
  }

  @Override
  public String toString() {
    return label;
  }
}
