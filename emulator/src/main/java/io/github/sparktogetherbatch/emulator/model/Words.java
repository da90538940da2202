package io.github.sparktogetherbatch.emulator.model;

import java.util.ArrayList;
import java.util.List;

/** Words are maximal runs of non-whitespace characters; the model counts tokens in words. */
final class Words {
  private Words() {}

  /** Number of maximal runs of non-whitespace characters. */
  static int count(String text) {
    if (text == null) {
      return 0;
    }
    int n = 0;
    boolean in = false;
    for (int i = 0; i < text.length(); i++) {
      boolean ws = Character.isWhitespace(text.charAt(i));
      if (!ws && !in) {
        n++;
      }
      in = !ws;
    }
    return n;
  }

  /** The words, in order. */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean ws = i == text.length() || Character.isWhitespace(text.charAt(i));
      if (ws) {
        if (start >= 0) {
          out.add(text.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    return out;
  }
}
