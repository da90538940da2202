package io.github.sparktogetherbatch.emulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Armed faults, matched by route template, consumed first-armed-first. */
public final class FaultRegistry {
  private final List<Fault> faults = new ArrayList<>();
  private long nextId;

  /** Arms a fault from its JSON; throws IllegalArgumentException when it is not valid. */
  public synchronized Fault arm(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw new IllegalArgumentException("a fault is a JSON object");
    }
    Fault f = new Fault(++nextId, (ObjectNode) spec.deepCopy());
    faults.add(f);
    return f;
  }

  /** Takes one use of the first fault armed for this route, or returns null. */
  synchronized Fault take(String route) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.route.equals(route)) {
        if (f.every > 1 && ++f.seen % f.every != 0) {
          continue; // not its turn: later faults, or none, apply
        }
        if (f.remaining > 0 && --f.remaining == 0) {
          it.remove();
        }
        return f;
      }
    }
    return null;
  }

  /** Clears every armed fault. */
  public synchronized void clear() {
    faults.clear();
  }

  /** The armed faults, each with its remaining uses. */
  public synchronized ArrayNode toJson() {
    ArrayNode a = Json.array();
    for (Fault f : faults) {
      a.add(f.toJson());
    }
    return a;
  }
}
