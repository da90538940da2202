package io.github.sparktogetherbatch.client;

import java.util.Locale;

/**
 * A batch's status as Together reports it. Any value this enum does not know parses as {@link
 * #UNKNOWN}, which counts as still running: Together has shown internal states (QUEUED, CHUNKING,
 * AGGREGATING, ...) and may add more.
 */
public enum BatchStatus {
  VALIDATING(false),
  IN_PROGRESS(false),
  CANCELING(false),
  COMPLETED(true),
  FAILED(true),
  EXPIRED(true),
  CANCELLED(true),
  UNKNOWN(false);

  private final boolean terminal;

  BatchStatus(boolean terminal) {
    this.terminal = terminal;
  }

  /** COMPLETED, FAILED, EXPIRED and CANCELLED are terminal; everything else may still change. */
  public boolean isTerminal() {
    return terminal;
  }

  /**
   * Parses a wire value leniently: case-insensitive, {@code CANCELED} accepted, unknown values as
   * UNKNOWN.
   */
  public static BatchStatus parse(String wire) {
    if (wire == null) {
      return UNKNOWN;
    }
    String s = wire.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    switch (s) {
      case "VALIDATING":
        return VALIDATING;
      case "IN_PROGRESS":
        return IN_PROGRESS;
      case "CANCELING":
      case "CANCELLING":
        return CANCELING;
      case "COMPLETED":
        return COMPLETED;
      case "FAILED":
        return FAILED;
      case "EXPIRED":
        return EXPIRED;
      case "CANCELLED":
      case "CANCELED":
        return CANCELLED;
      default:
        return UNKNOWN;
    }
  }
}
